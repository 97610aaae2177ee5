using Dco.DevHost.Catalog;
using Dco.DevHost.Tests.TestFunctions;
using Microsoft.AspNetCore.Http;
using Microsoft.Azure.Functions.Worker;

namespace Dco.DevHost.Tests;

public sealed class FunctionCatalogTests
{
    [Fact]
    public void Discovery_finds_each_function_once_with_its_trigger_kind()
    {
        var catalog = FunctionCatalog.Discover([typeof(HttpTestFunctions), typeof(QueueTestFunctions), typeof(BlobTestFunctions), typeof(TimerTestFunctions), typeof(DurableTestFunctions)]);

        var kinds = catalog.Functions.ToDictionary(f => f.Name, f => f.Kind);
        Assert.Equal(TriggerKind.Http, kinds["Echo"]);
        Assert.Equal(TriggerKind.Queue, kinds["AlwaysFails"]);
        Assert.Equal(TriggerKind.Blob, kinds["OnAsset"]);
        Assert.Equal(TriggerKind.Timer, kinds["EverySecond"]);
        Assert.Equal(TriggerKind.Orchestration, kinds["ApprovalFlow"]);
        Assert.Equal(TriggerKind.Activity, kinds["RecordStep"]);
        Assert.Equal(9, catalog.Functions.Count);
    }

    [Fact]
    public void A_function_with_an_unsupported_binding_is_a_startup_error_naming_it()
    {
        var error = Assert.Throws<UnsupportedFunctionException>(() => FunctionCatalog.Discover([typeof(UnsupportedBindingFunctions)]));

        Assert.Contains("'WritesToTable'", error.Message, StringComparison.Ordinal);
        Assert.Contains("TableInput", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_function_with_an_output_binding_is_a_startup_error_naming_it()
    {
        var error = Assert.Throws<UnsupportedFunctionException>(() => FunctionCatalog.Discover([typeof(OutputBindingFunctions)]));

        Assert.Contains("'ForwardsToQueue'", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_function_without_a_trigger_is_a_startup_error_naming_it()
    {
        var error = Assert.Throws<UnsupportedFunctionException>(() => FunctionCatalog.Discover([typeof(NoTriggerFunctions)]));

        Assert.Contains("'Orphan'", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Two_functions_with_the_same_name_are_a_startup_error()
    {
        var error = Assert.Throws<UnsupportedFunctionException>(() => FunctionCatalog.Discover([typeof(HttpTestFunctions), typeof(DuplicateNameFunctions)]));

        Assert.Contains("'Echo'", error.Message, StringComparison.Ordinal);
    }

    public sealed class UnsupportedBindingFunctions
    {
        [Function("WritesToTable")]
        public static void WritesToTable([QueueTrigger("q")] string message, [TableInputFake("t")] string row)
        {
        }
    }

    public sealed class OutputBindingFunctions
    {
        [Function("ForwardsToQueue")]
        [QueueOutput("out")]
        public static string ForwardsToQueue([QueueTrigger("q")] string message) => message;
    }

    public sealed class NoTriggerFunctions
    {
        [Function("Orphan")]
        public static void Orphan(string value)
        {
        }
    }

    public sealed class DuplicateNameFunctions
    {
        [Function("Echo")]
        public static void Echo([HttpTrigger(AuthorizationLevel.Anonymous, "get")] HttpRequest request)
        {
        }
    }
}

/// <summary>Stands for any input binding the DevHost does not implement (e.g. Table input).</summary>
[AttributeUsage(AttributeTargets.Parameter)]
public sealed class TableInputFakeAttribute(string table) : Microsoft.Azure.Functions.Worker.Extensions.Abstractions.InputBindingAttribute
{
    public string Table { get; } = table;
}
