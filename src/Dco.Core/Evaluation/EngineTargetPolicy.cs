using System.Globalization;
using Dco.Core.Decisioning;

namespace Dco.Core.Evaluation;

/// <summary>
/// A policy of the decision engine as an off-policy evaluation target: π(combination | context) is
/// <see cref="ICreativeDecider.ProbabilityOf"/> for the request rebuilt from the logged context.
/// Context features map onto the request as the serving path fills it: <c>segment</c> or
/// <c>segments</c> (comma-separated), <c>placement</c>, <c>device</c>, <c>geo</c>,
/// <c>pageCategory</c>, <c>consent</c> (None, ContextualOnly, Full; default Full), <c>time</c>
/// (ISO 8601 with offset), <c>signal.NAME@KEY</c> (a number) and anything else as a custom
/// attribute. A policy whose choice depends on time (dayparts, the contextual policy's day and
/// hour features) needs <c>time</c> in the log; otherwise <paramref name="defaultTime"/> is used.
/// </summary>
public sealed class EngineTargetPolicy : ITargetPolicy
{
    private const string SignalPrefix = "signal.";
    private readonly ICreativeDecider _decider;
    private readonly IReadOnlyDictionary<string, IReadOnlyDictionary<string, string>> _contexts;
    private readonly DateTimeOffset _defaultTime;
    private readonly Dictionary<string, DecisionRequest> _requests = new(StringComparer.Ordinal);
    private readonly Dictionary<(string Context, string Action), double> _probabilities = [];

    public EngineTargetPolicy(ICreativeDecider decider, BanditLog log, DateTimeOffset defaultTime)
    {
        _decider = decider;
        _contexts = log.ContextFeatures;
        _defaultTime = defaultTime;
        if (log.Samples.Any(s => !_contexts.ContainsKey(s.ContextKey)))
        {
            throw new ArgumentException(
                $"The log '{log.Source}' does not carry context features (an Open Bandit Dataset log?); an engine policy needs them to rebuild its requests.",
                nameof(log));
        }
    }

    public string Name => $"{_decider.PolicyName}@{_decider.PolicyVersion}";

    public double Probability(string contextKey, string action, IReadOnlyList<string> candidates)
    {
        if (_probabilities.TryGetValue((contextKey, action), out var p))
        {
            return p;
        }

        if (!_requests.TryGetValue(contextKey, out var request))
        {
            request = BuildRequest(contextKey);
            _requests[contextKey] = request;
        }

        var assetIds = action.Split('|');
        p = assetIds.Length == _decider.SlotNames.Count ? _decider.ProbabilityOf(request, assetIds) : 0;
        _probabilities[(contextKey, action)] = p;
        return p;
    }

    private DecisionRequest BuildRequest(string contextKey)
    {
        var features = _contexts.TryGetValue(contextKey, out var f)
            ? f
            : throw new InvalidOperationException($"No context features for context '{contextKey}'.");
        var time = _defaultTime;
        var consent = ConsentLevel.Full;
        IReadOnlyList<string> segments = [];
        string? placement = null, device = null, geo = null, pageCategory = null;
        var attributes = new Dictionary<string, string>(StringComparer.Ordinal);
        var signals = new List<SignalValue>();
        foreach (var (name, value) in features)
        {
            switch (name)
            {
                case "segment":
                case "segments":
                    segments = value.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
                    break;
                case "placement":
                    placement = value;
                    break;
                case "device":
                    device = value;
                    break;
                case "geo":
                    geo = value;
                    break;
                case "pageCategory":
                    pageCategory = value;
                    break;
                case "consent":
                    consent = Enum.TryParse<ConsentLevel>(value, ignoreCase: true, out var c)
                        ? c
                        : throw new FormatException($"Context '{contextKey}': consent '{value}' is not None, ContextualOnly or Full.");
                    break;
                case "time":
                    time = DateTimeOffset.TryParse(value, CultureInfo.InvariantCulture, DateTimeStyles.None, out var t)
                        ? t
                        : throw new FormatException($"Context '{contextKey}': time '{value}' is not an ISO 8601 instant.");
                    break;
                default:
                    if (name.StartsWith(SignalPrefix, StringComparison.Ordinal))
                    {
                        signals.Add(ParseSignal(contextKey, name, value));
                    }
                    else
                    {
                        attributes[name] = value;
                    }

                    break;
            }
        }

        return new DecisionRequest
        {
            DecisionId = "ope:" + contextKey,
            Consent = consent,
            Time = time,
            Segments = segments,
            Context = new RequestContext { Placement = placement, Device = device, Geo = geo, PageCategory = pageCategory, Attributes = attributes },
            Signals = signals.Count == 0 ? LiveSignals.Empty : new LiveSignals(signals),
        };
    }

    private static SignalValue ParseSignal(string contextKey, string name, string value)
    {
        var reference = name[SignalPrefix.Length..];
        var at = reference.IndexOf('@', StringComparison.Ordinal);
        if (at <= 0 || !double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out var number))
        {
            throw new FormatException($"Context '{contextKey}': '{name}' = '{value}' is not a signal (signal.NAME@KEY with a number).");
        }

        return new SignalValue(reference[..at], reference[(at + 1)..], number);
    }
}
