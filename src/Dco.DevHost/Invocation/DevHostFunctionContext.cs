using System.Collections;
using System.Collections.Immutable;
using Dco.DevHost.Catalog;
using Microsoft.Azure.Functions.Worker;

namespace Dco.DevHost.Invocation;

/// <summary>The <see cref="FunctionContext"/> a function receives when the DevHost invokes it.</summary>
internal sealed class DevHostFunctionContext : FunctionContext
{
    /// <summary>Key under which the ASP.NET Core integration finds the HttpContext (as the worker does).</summary>
    internal const string HttpContextItemKey = "HttpRequestContext";

    private readonly DevHostBindingContext bindingContext;
    private string? invocationId;

    public DevHostFunctionContext(
        FunctionDefinition definition,
        IServiceProvider services,
        IReadOnlyDictionary<string, object?> bindingData,
        int retryCount,
        int maxRetryCount,
        CancellationToken cancellationToken)
    {
        FunctionDefinition = definition;
        InstanceServices = services;
        bindingContext = new DevHostBindingContext(bindingData);
        RetryContext = new DevHostRetryContext(retryCount, maxRetryCount);
        CancellationToken = cancellationToken;
    }

    // Made when first read: a new Guid is a read of /dev/urandom on Linux (~1-2 µs with the system call), and
    // no function the DevHost runs reads its id on every invocation.
    public override string InvocationId => invocationId ??= Guid.NewGuid().ToString();

    public override string FunctionId => FunctionDefinition.Id;

    public override TraceContext TraceContext { get; } = new DevHostTraceContext();

    public override BindingContext BindingContext => bindingContext;

    public override RetryContext RetryContext { get; }

    public override IServiceProvider InstanceServices { get; set; }

    public override FunctionDefinition FunctionDefinition { get; }

    public override IDictionary<object, object> Items { get; set; } = new Dictionary<object, object>();

    public override IInvocationFeatures Features { get; } = new DevHostInvocationFeatures();

    public override CancellationToken CancellationToken { get; }

    private sealed class DevHostBindingContext(IReadOnlyDictionary<string, object?> data) : BindingContext
    {
        public override IReadOnlyDictionary<string, object?> BindingData { get; } = data;
    }

    private sealed class DevHostRetryContext(int retryCount, int maxRetryCount) : RetryContext
    {
        public override int RetryCount { get; } = retryCount;

        public override int MaxRetryCount { get; } = maxRetryCount;
    }

    private sealed class DevHostTraceContext : TraceContext
    {
        public override string TraceParent { get; } = System.Diagnostics.Activity.Current?.Id ?? string.Empty;

        public override string TraceState { get; } = System.Diagnostics.Activity.Current?.TraceStateString ?? string.Empty;
    }

    /// <summary>The definition of <paramref name="function"/>; it reflects over the method, so build it once per function.</summary>
    public static FunctionDefinition DefinitionOf(FunctionDescriptor function) => new DevHostFunctionDefinition(function);

    private sealed class DevHostFunctionDefinition(FunctionDescriptor function) : FunctionDefinition
    {
        public override ImmutableArray<FunctionParameter> Parameters { get; } =
            function.Method.GetParameters().Select(p => new FunctionParameter(p.Name!, p.ParameterType)).ToImmutableArray();

        public override string PathToAssembly { get; } = function.DeclaringType.Assembly.Location;

        public override string EntryPoint => function.EntryPoint;

        public override string Id => function.Name;

        public override string Name => function.Name;

        public override IImmutableDictionary<string, BindingMetadata> InputBindings { get; } = ImmutableDictionary<string, BindingMetadata>.Empty;

        public override IImmutableDictionary<string, BindingMetadata> OutputBindings { get; } = ImmutableDictionary<string, BindingMetadata>.Empty;
    }

    private sealed class DevHostInvocationFeatures : IInvocationFeatures
    {
        private readonly Dictionary<Type, object> features = [];

        public T? Get<T>() => features.TryGetValue(typeof(T), out var value) ? (T)value : default;

        public void Set<T>(T instance)
        {
            if (instance is null)
            {
                features.Remove(typeof(T));
            }
            else
            {
                features[typeof(T)] = instance;
            }
        }

        public IEnumerator<KeyValuePair<Type, object>> GetEnumerator() => features.GetEnumerator();

        IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();
    }
}
