using System.Reflection;

namespace Dco.DevHost.Catalog;

public enum TriggerKind
{
    Http,
    Queue,
    Blob,
    Timer,
    Orchestration,
    Activity,
}

/// <summary>One <c>[Function]</c> method found by reflection, with its trigger parameter.</summary>
public sealed record FunctionDescriptor(
    string Name,
    MethodInfo Method,
    TriggerKind Kind,
    Attribute Trigger,
    ParameterInfo TriggerParameter)
{
    public Type DeclaringType => Method.DeclaringType!;

    public string EntryPoint => $"{DeclaringType.FullName}.{Method.Name}";
}
