using Microsoft.Azure.Cosmos;

namespace Dco.Infrastructure.Cosmos;

/// <summary>A Cosmos DB SQL query with named parameters (never values spliced into the text).</summary>
public sealed class DocumentQuery
{
    private readonly List<KeyValuePair<string, object?>> parameters = [];

    public DocumentQuery(string sql)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(sql);
        Sql = sql;
    }

    public string Sql { get; }

    public IReadOnlyList<KeyValuePair<string, object?>> Parameters => parameters;

    /// <summary>Adds a parameter; <paramref name="name"/> starts with '@' and appears in <see cref="Sql"/>.</summary>
    public DocumentQuery WithParameter(string name, object? value)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        if (name[0] != '@' || name.Length < 2)
        {
            throw new ArgumentException($"Query parameter name '{name}' must start with '@', for example @campaignId.", nameof(name));
        }

        if (!Sql.Contains(name, StringComparison.Ordinal))
        {
            throw new ArgumentException($"Query parameter '{name}' does not appear in the query text: {Sql}", nameof(name));
        }

        if (parameters.Exists(p => p.Key == name))
        {
            throw new ArgumentException($"Query parameter '{name}' is given twice.", nameof(name));
        }

        parameters.Add(new(name, value));
        return this;
    }

    internal QueryDefinition ToDefinition()
    {
        var definition = new QueryDefinition(Sql);
        foreach (var (name, value) in parameters)
        {
            definition = definition.WithParameter(name, value);
        }

        return definition;
    }

    public override string ToString() => Sql;
}
