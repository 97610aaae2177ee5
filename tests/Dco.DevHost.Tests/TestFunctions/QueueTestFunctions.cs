using Microsoft.Azure.Functions.Worker;

namespace Dco.DevHost.Tests.TestFunctions;

public sealed class QueueTestFunctions(InvocationLog log)
{
    [Function("CountMessages")]
    public void CountMessages([QueueTrigger("%OkQueue%")] string message, FunctionContext context)
    {
        log.Record("CountMessages", message);
    }

    [Function("AlwaysFails")]
    public void AlwaysFails([QueueTrigger("%FailQueue%")] string message)
    {
        log.Record("AlwaysFails", message);
        throw new InvalidOperationException("This function always fails: " + message);
    }
}
