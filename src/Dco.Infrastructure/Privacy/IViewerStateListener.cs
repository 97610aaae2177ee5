namespace Dco.Infrastructure.Privacy;

/// <summary>
/// Told when a viewer opts out or is deleted, before their stored data is changed, so that state
/// held in memory (frequency caches, decision records not yet written) is dropped and never written back.
/// </summary>
public interface IViewerStateListener
{
    void Forget(string userKey);
}
