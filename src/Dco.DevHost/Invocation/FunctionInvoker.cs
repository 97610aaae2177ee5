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
        var context = new DevHostFunctionContext(function, services, request.BindingData, request.RetryCount, request.MaxRetryCount, cancellationToken);
        request.PrepareContext?.Invoke(context);

        var parameters = function.Method.GetParameters();
        var args = new object?[parameters.Length];
        for (var i = 0; i < parameters.Length; i++)
        {
            args[i] = Bind(function, parameters[i], request, context, services, cancellationToken);
        }

        object? instance = function.Method.IsStatic ? null : ActivatorUtilities.GetServiceOrCreateInstance(services, function.DeclaringType);
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

            return await UnwrapAsync(returned);
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

    private static async Task<object?> UnwrapAsync(object? returned)
    {
        switch (returned)
        {
            case null:
                return null;
            case Task task:
                await task;
                var type = task.GetType();
                return type.IsGenericType && type.GetProperty("Result") is { } result && result.PropertyType.Name != "VoidTaskResult"
                    ? result.GetValue(task)
                    : null;
            case ValueTask valueTask:
                await valueTask;
                return null;
            default:
                var valueType = returned.GetType();
                if (valueType.IsGenericType && valueType.GetGenericTypeDefinition() == typeof(ValueTask<>))
                {
                    var asTask = (Task)valueType.GetMethod(nameof(ValueTask<int>.AsTask))!.Invoke(returned, null)!;
                    return await UnwrapAsync(asTask);
                }

                return returned;
        }
    }
}
