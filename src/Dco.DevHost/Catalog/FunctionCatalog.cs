using System.Reflection;
using Microsoft.AspNetCore.Http;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Azure.Functions.Worker.Extensions.Abstractions;
using Microsoft.DurableTask;
using Microsoft.DurableTask.Client;

namespace Dco.DevHost.Catalog;

/// <summary>
/// Finds every <c>[Function]</c> method in the given assemblies by the same attributes the Functions
/// SDK reads, and refuses, at start-up and by name, any function the DevHost cannot bind.
/// </summary>
public sealed class FunctionCatalog
{
    private FunctionCatalog(IReadOnlyList<FunctionDescriptor> functions) => Functions = functions;

    public IReadOnlyList<FunctionDescriptor> Functions { get; }

    public IEnumerable<FunctionDescriptor> OfKind(TriggerKind kind) => Functions.Where(f => f.Kind == kind);

    public static FunctionCatalog Discover(IEnumerable<Assembly> assemblies)
    {
        ArgumentNullException.ThrowIfNull(assemblies);
        return Discover(assemblies.Distinct().SelectMany(a => a.GetTypes()));
    }

    public static FunctionCatalog Discover(IEnumerable<Type> types)
    {
        ArgumentNullException.ThrowIfNull(types);
        var found = new List<FunctionDescriptor>();
        var errors = new List<string>();
        foreach (var type in types.Distinct())
        {
            foreach (var method in type.GetMethods(BindingFlags.Public | BindingFlags.Instance | BindingFlags.Static | BindingFlags.DeclaredOnly))
            {
                var function = method.GetCustomAttribute<FunctionAttribute>();
                if (function is null)
                {
                    continue;
                }

                try
                {
                    found.Add(Describe(function.Name, method));
                }
                catch (UnsupportedFunctionException ex)
                {
                    errors.Add(ex.Message);
                }
            }
        }

        foreach (var duplicate in found.GroupBy(f => f.Name, StringComparer.OrdinalIgnoreCase).Where(g => g.Count() > 1))
        {
            errors.Add($"Function '{duplicate.Key}' is declared more than once: {string.Join(", ", duplicate.Select(d => d.EntryPoint))}.");
        }

        if (errors.Count > 0)
        {
            throw new UnsupportedFunctionException(
                "The DevHost cannot bind these functions:" + Environment.NewLine + string.Join(Environment.NewLine, errors.Select(e => " - " + e)));
        }

        return new FunctionCatalog(found);
    }

    private static FunctionDescriptor Describe(string name, MethodInfo method)
    {
        var entry = $"{method.DeclaringType?.FullName}.{method.Name}";
        FunctionDescriptor? descriptor = null;
        foreach (var parameter in method.GetParameters())
        {
            var trigger = TriggerOf(parameter, out var kind);
            if (trigger is not null)
            {
                if (descriptor is not null)
                {
                    throw new UnsupportedFunctionException($"Function '{name}' ({entry}) has more than one trigger.");
                }

                descriptor = new FunctionDescriptor(name, method, kind, trigger, parameter);
                continue;
            }

            if (!IsSupportedAuxiliary(parameter))
            {
                throw new UnsupportedFunctionException(
                    $"Function '{name}' ({entry}): parameter '{parameter.Name}' of type {parameter.ParameterType.Name} " +
                    $"{DescribeAttributes(parameter)}is not a binding the DevHost supports.");
            }
        }

        if (descriptor is null)
        {
            throw new UnsupportedFunctionException($"Function '{name}' ({entry}) has no trigger parameter.");
        }

        RejectOutputBindings(name, entry, method);
        return descriptor;
    }

    private static Attribute? TriggerOf(ParameterInfo parameter, out TriggerKind kind)
    {
        foreach (var attribute in parameter.GetCustomAttributes())
        {
            (TriggerKind? k, Type? required) = attribute switch
            {
                HttpTriggerAttribute => (TriggerKind.Http, typeof(HttpRequest)),
                QueueTriggerAttribute => (TriggerKind.Queue, null),
                BlobTriggerAttribute => (TriggerKind.Blob, null),
                TimerTriggerAttribute => (TriggerKind.Timer, typeof(TimerInfo)),
                OrchestrationTriggerAttribute => (TriggerKind.Orchestration, typeof(TaskOrchestrationContext)),
                ActivityTriggerAttribute => (TriggerKind.Activity, null),
                _ => ((TriggerKind?)null, (Type?)null),
            };
            if (k is null)
            {
                continue;
            }

            if (required is not null && !required.IsAssignableFrom(parameter.ParameterType))
            {
                throw new UnsupportedFunctionException(
                    $"Trigger parameter '{parameter.Name}' of {parameter.Member.DeclaringType?.FullName}.{parameter.Member.Name} must be {required.Name}, not {parameter.ParameterType.Name}.");
            }

            kind = k.Value;
            return attribute;
        }

        kind = default;
        return null;
    }

    private static bool IsSupportedAuxiliary(ParameterInfo parameter)
    {
        var type = parameter.ParameterType;
        if (parameter.GetCustomAttribute<DurableClientAttribute>() is not null)
        {
            return type == typeof(DurableTaskClient);
        }

        if (parameter.GetCustomAttributes().Any(a => a is BindingAttribute))
        {
            return false;
        }

        // Context parameters and, for HTTP and blob functions, route/path values bound by name.
        return type == typeof(FunctionContext) || type == typeof(CancellationToken) ||
               type == typeof(string) || type == typeof(int) || type == typeof(long) || type == typeof(Guid);
    }

    private static void RejectOutputBindings(string name, string entry, MethodInfo method)
    {
        var output = method.GetCustomAttributes().Concat(method.ReturnParameter.GetCustomAttributes()).OfType<BindingAttribute>().FirstOrDefault();
        if (output is not null)
        {
            throw new UnsupportedFunctionException($"Function '{name}' ({entry}) uses the output binding [{output.GetType().Name}], which the DevHost does not support.");
        }

        var returnType = UnwrapTask(method.ReturnType);
        var property = returnType?.GetProperties().FirstOrDefault(p => p.GetCustomAttributes().OfType<BindingAttribute>().Any());
        if (property is not null)
        {
            throw new UnsupportedFunctionException($"Function '{name}' ({entry}) returns {returnType!.Name} with an output binding on '{property.Name}', which the DevHost does not support.");
        }
    }

    internal static Type? UnwrapTask(Type type)
    {
        if (type == typeof(void) || type == typeof(Task) || type == typeof(ValueTask))
        {
            return null;
        }

        if (type.IsGenericType && (type.GetGenericTypeDefinition() == typeof(Task<>) || type.GetGenericTypeDefinition() == typeof(ValueTask<>)))
        {
            return type.GetGenericArguments()[0];
        }

        return type;
    }

    private static string DescribeAttributes(ParameterInfo parameter)
    {
        var names = parameter.GetCustomAttributes().Select(a => "[" + a.GetType().Name.Replace("Attribute", "", StringComparison.Ordinal) + "] ").ToArray();
        return string.Concat(names);
    }
}

public sealed class UnsupportedFunctionException(string message) : Exception(message);
