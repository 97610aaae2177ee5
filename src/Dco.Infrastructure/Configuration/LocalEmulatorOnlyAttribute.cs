namespace Dco.Infrastructure.Configuration;

/// <summary>
/// Marks an options property that only local emulators use (a well-known emulator key, an
/// insecure-loopback switch). Azure deployments must leave it unset, so the deployment templates
/// do not emit it; every other bound property must be emitted by <c>infra-bicep</c>.
/// </summary>
[AttributeUsage(AttributeTargets.Property)]
public sealed class LocalEmulatorOnlyAttribute : Attribute;
