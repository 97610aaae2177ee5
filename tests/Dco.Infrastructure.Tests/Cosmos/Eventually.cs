namespace Dco.Infrastructure.Tests.Cosmos;

/// <summary>Polls a condition that becomes true by itself (TTL expiry), bounded in time.</summary>
public static class Eventually
{
    public static async Task<bool> TrueAsync(Func<Task<bool>> condition, TimeSpan within)
    {
        var deadline = DateTime.UtcNow + within;
        while (true)
        {
            if (await condition())
            {
                return true;
            }

            if (DateTime.UtcNow >= deadline)
            {
                return false;
            }

            await Task.Delay(250);
        }
    }
}
