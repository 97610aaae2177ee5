using System.Text.Json;
using Dco.DevHost.Catalog;
using Dco.DevHost.Invocation;
using Microsoft.DurableTask;
using Microsoft.Extensions.Logging;

namespace Dco.DevHost.Durable;

/// <summary>Runs an <c>[OrchestrationTrigger]</c> function as a Durable Task SDK orchestrator.</summary>
internal sealed class FunctionOrchestrator(FunctionDescriptor function, FunctionInvoker invoker, ILoggerFactory loggerFactory) : ITaskOrchestrator
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public Type InputType => typeof(JsonElement?);

    public Type OutputType => FunctionCatalog.UnwrapTask(function.Method.ReturnType) ?? typeof(object);

    public Task<object?> RunAsync(TaskOrchestrationContext context, object? input)
    {
        var wrapped = new FunctionsOrchestrationContext(context, input as JsonElement?, loggerFactory, Json);
        return invoker.InvokeAsync(function, new InvocationRequest(wrapped, new Dictionary<string, object?> { ["instanceId"] = context.InstanceId }), CancellationToken.None);
    }
}

/// <summary>Runs an <c>[ActivityTrigger]</c> function as a Durable Task SDK activity.</summary>
internal sealed class FunctionActivity(FunctionDescriptor function, FunctionInvoker invoker) : ITaskActivity
{
    public Type InputType => function.TriggerParameter.ParameterType == typeof(TaskActivityContext) ? typeof(object) : function.TriggerParameter.ParameterType;

    public Type OutputType => FunctionCatalog.UnwrapTask(function.Method.ReturnType) ?? typeof(object);

    public Task<object?> RunAsync(TaskActivityContext context, object? input)
    {
        var value = function.TriggerParameter.ParameterType == typeof(TaskActivityContext) ? context : input;
        return invoker.InvokeAsync(function, new InvocationRequest(value, new Dictionary<string, object?> { ["instanceId"] = context.InstanceId }), CancellationToken.None);
    }
}
