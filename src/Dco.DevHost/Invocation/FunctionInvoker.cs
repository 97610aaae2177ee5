using System.Reflection;
using Dco.DevHost.Catalog;
using Microsoft.Azure.Functions.Worker;
using Microsoft.DurableTask.Client;
using Microsoft.Extensions.DependencyInjection;

namespace Dco.DevHost.Invocation;

/// <summary>What a trigger supplies for one invocation.</summary>
/// <param name="TriggerValue">The value for the trigger parameter (already converted to its type).</param>
/// <param name="BindingData">Named values (route values, blob path values, metadata) bound to same-named parameters.</param>
public sealed record InvocationRequest(
    object? TriggerValue,
    IReadOnlyDictionary<string, object?> BindingData,
    int RetryCount = 0,
    int MaxRetryCount = 0,
    Action<FunctionContext>? PrepareContext = null);

/// <summary>
/// Invokes a function method: creates its class through DI in a fresh scope (as the worker does per
/// invocation), binds parameters, awaits the result, and lets exceptions propagate to the trigger.
/// </summary>
public sealed class FunctionInvoker(IServiceScopeFactory scopes)
{
    public async Task<object?> InvokeAsync(FunctionDescriptor function, InvocationRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(function);
        ArgumentNullException.ThrowIfNull(request);
        await using var scope = scopes.CreateAsyncScope();
        var services = scope.ServiceProvider;
        var plan = Plans.GetValue(function, static f => new InvocationPlan(f));
        var context = new DevHostFunctionContext(plan.Definition, services, request.BindingData, request.RetryCount, request.MaxRetryCount, cancellationToken);
        request.PrepareContext?.Invoke(context);

        var parameters = plan.Parameters;
        var args = new object?[parameters.Length];
        for (var i = 0; i < parameters.Length; i++)
        {
            args[i] = Bind(function, parameters[i], request, context, services, cancellationToken);
        }

        var instance = plan.CreateInstance(services);
        try
        {
            object? returned;
            try
            {
                returned = function.Method.Invoke(instance, args);
            }
            catch (TargetInvocationException ex) when (ex.InnerException is not null)
            {
                System.Runtime.ExceptionServices.ExceptionDispatchInfo.Capture(ex.InnerException).Throw();
                throw;
            }

            return await UnwrapAsync(returned, plan);
        }
        finally
        {
            switch (instance)
            {
                case IAsyncDisposable asyncDisposable:
                    await asyncDisposable.DisposeAsync();
                    break;
                case IDisposable disposable:
                    disposable.Dispose();
                    break;
            }
        }
    }

    private static object? Bind(FunctionDescriptor function, ParameterInfo parameter, InvocationRequest request, FunctionContext context, IServiceProvider services, CancellationToken cancellationToken)
    {
        if (parameter == function.TriggerParameter)
        {
            return request.TriggerValue;
        }

        var type = parameter.ParameterType;
        if (type == typeof(FunctionContext))
        {
            return context;
        }

        if (type == typeof(CancellationToken))
        {
            return cancellationToken;
        }

        if (type == typeof(DurableTaskClient))
        {
            return services.GetService<DurableTaskClient>()
                   ?? throw new InvalidOperationException($"Function '{function.Name}' asks for a [DurableClient], but the Durable sidecar is not running.");
        }

        if (parameter.Name is not null && request.BindingData.TryGetValue(parameter.Name, out var value) && value is not null)
        {
            return ConvertBindingValue(value, type, function, parameter);
        }

        return parameter.HasDefaultValue ? parameter.DefaultValue : null;
    }

    private static object ConvertBindingValue(object value, Type type, FunctionDescriptor function, ParameterInfo parameter)
    {
        if (type.IsInstanceOfType(value))
        {
            return value;
        }

        var text = Convert.ToString(value, System.Globalization.CultureInfo.InvariantCulture) ?? string.Empty;
        try
        {
            if (type == typeof(Guid))
            {
                return Guid.Parse(text);
            }

            return Convert.ChangeType(text, type, System.Globalization.CultureInfo.InvariantCulture);
        }
        catch (FormatException ex)
        {
            throw new ArgumentException($"Function '{function.Name}': value '{text}' for parameter '{parameter.Name}' is not a valid {type.Name}.", ex);
        }
    }

    private static async Task<object?> UnwrapAsync(object? returned, InvocationPlan plan)
    {
        switch (returned)
        {
            case null:
                return null;
            case Task task:
                await task;
                return plan.ResultOf(task);
            case ValueTask valueTask:
                await valueTask;
                return null;
            default:
                var valueType = returned.GetType();
                if (valueType.IsGenericType && valueType.GetGenericTypeDefinition() == typeof(ValueTask<>))
                {
                    var asTask = (Task)valueType.GetMethod(nameof(ValueTask<int>.AsTask))!.Invoke(returned, null)!;
                    return await UnwrapAsync(asTask, plan);
                }

                return returned;
        }
    }

    // What reflection tells about a function, worked out once per function rather than per invocation.
    private static readonly System.Runtime.CompilerServices.ConditionalWeakTable<FunctionDescriptor, InvocationPlan> Plans = new();

    private sealed class InvocationPlan(FunctionDescriptor function)
    {
        private readonly ObjectFactory? factory = function.Method.IsStatic ? null : ActivatorUtilities.CreateFactory(function.DeclaringType, Type.EmptyTypes);
        private readonly System.Collections.Concurrent.ConcurrentDictionary<Type, PropertyInfo?> results = new();

        public ParameterInfo[] Parameters { get; } = function.Method.GetParameters();

        public FunctionDefinition Definition { get; } = DevHostFunctionContext.DefinitionOf(function);

        /// <summary>The function's class as the worker makes it (a registered service, else constructed from DI); null for a static method.</summary>
        public object? CreateInstance(IServiceProvider services) =>
            factory is null ? null : services.GetService(function.DeclaringType) ?? factory(services, null);

        /// <summary>The value of a completed Task&lt;T&gt; (null for a plain Task).</summary>
        public object? ResultOf(Task task) =>
            results.GetOrAdd(task.GetType(), static type => type.IsGenericType && type.GetProperty("Result") is { } result && result.PropertyType.Name != "VoidTaskResult" ? result : null)
                ?.GetValue(task);
    }
}
