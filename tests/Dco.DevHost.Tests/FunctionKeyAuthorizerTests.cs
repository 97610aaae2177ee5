using Dco.DevHost.Hosting;
using Dco.DevHost.Http;
using Microsoft.AspNetCore.Http;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Extensions.Options;

namespace Dco.DevHost.Tests;

/// <summary>The key check itself, without a host: which presented keys pass which level.</summary>
public sealed class FunctionKeyAuthorizerTests
{
    private const string Master = "master-key-0123456789abcdefghijklmnopqrstuvwxyz";
    private const string Function = "function-key-0123456789abcdefghijklmnopqrstuvw";

    // Longer than the width keys are padded to, so they are compared by digest.
    private static readonly string LongFunction = new('k', FunctionKeyAuthorizer.PaddedWidth + 1);

    private static FunctionKeyAuthorizer Authorizer()
    {
        var options = new DevHostOptions { MasterKey = Master };
        options.FunctionKeys["default"] = Function;
        options.FunctionKeys["long"] = LongFunction;
        options.FunctionKeys["unicode"] = "clé-ünïcødé-🔑";
        return new FunctionKeyAuthorizer(new FixedOptions(options));
    }

    private static HttpRequest Presenting(string? header, string? code = null)
    {
        var context = new DefaultHttpContext();
        if (header is not null)
        {
            context.Request.Headers[FunctionKeyAuthorizer.KeyHeader] = header;
        }

        if (code is not null)
        {
            context.Request.QueryString = QueryString.Create("code", code);
        }

        return context.Request;
    }

    [Theory]
    [InlineData(Master, AuthorizationLevel.Admin)]
    [InlineData(Function, AuthorizationLevel.Function)]
    [InlineData("clé-ünïcødé-🔑", AuthorizationLevel.Function)]
    public void A_configured_key_is_granted_its_level(string presented, AuthorizationLevel granted)
    {
        Assert.Equal(granted, Authorizer().Authorize(Presenting(presented), AuthorizationLevel.Function));
    }

    [Fact]
    public void A_key_longer_than_the_padded_width_is_compared_whole()
    {
        var authorizer = Authorizer();

        Assert.Equal(AuthorizationLevel.Function, authorizer.Authorize(Presenting(LongFunction), AuthorizationLevel.Function));
        Assert.Null(authorizer.Authorize(Presenting(LongFunction + "k"), AuthorizationLevel.Function));
        Assert.Null(authorizer.Authorize(Presenting(LongFunction[..^1]), AuthorizationLevel.Function)); // exactly the width: padded, not a digest
        Assert.Null(authorizer.Authorize(Presenting(LongFunction[..^1] + "j"), AuthorizationLevel.Function));
    }

    [Theory]
    [InlineData("function-key-0123456789abcdefghijklmnopqrstuv")] // a prefix
    [InlineData("function-key-0123456789abcdefghijklmnopqrstuvw\0")] // the key and a zero, which padding must not equal
    [InlineData("function-key-0123456789abcdefghijklmnopqrstuvwx")] // the key and more
    [InlineData("Function-key-0123456789abcdefghijklmnopqrstuvw")] // one character different
    [InlineData("clé-ünïcødé-🔐")]
    [InlineData(" ")]
    public void Any_other_key_is_refused(string presented)
    {
        Assert.Null(Authorizer().Authorize(Presenting(presented), AuthorizationLevel.Function));
    }

    [Fact]
    public void A_function_key_does_not_pass_the_admin_level_and_the_master_key_does()
    {
        var authorizer = Authorizer();

        Assert.Null(authorizer.Authorize(Presenting(Function), AuthorizationLevel.Admin));
        Assert.Equal(AuthorizationLevel.Admin, authorizer.Authorize(Presenting(Master), AuthorizationLevel.Admin));
    }

    [Fact]
    public void The_key_may_come_in_the_code_parameter_and_no_key_passes_only_anonymous_routes()
    {
        var authorizer = Authorizer();

        Assert.Equal(AuthorizationLevel.Function, authorizer.Authorize(Presenting(null, Function), AuthorizationLevel.Function));
        Assert.Null(authorizer.Authorize(Presenting(null), AuthorizationLevel.Function));
        Assert.Equal(AuthorizationLevel.Anonymous, authorizer.Authorize(Presenting(null), AuthorizationLevel.Anonymous));
        Assert.Equal(AuthorizationLevel.Function, authorizer.Authorize(Presenting(Function), AuthorizationLevel.Anonymous));
    }

    [Fact]
    public void A_key_that_differs_from_a_configured_one_in_any_single_byte_is_refused()
    {
        // As long as the padded width allows, so that every part of the compared layout holds key bytes.
        var key = string.Concat(Enumerable.Range(0, FunctionKeyAuthorizer.PaddedWidth).Select(i => (char)('a' + (i % 26))));
        var options = new DevHostOptions();
        options.FunctionKeys["default"] = key;
        var authorizer = new FunctionKeyAuthorizer(new FixedOptions(options));
        Assert.Equal(AuthorizationLevel.Function, authorizer.Authorize(Presenting(key), AuthorizationLevel.Function));

        for (var position = 0; position < key.Length; position++)
        {
            var altered = string.Concat(key.AsSpan(0, position), key[position] == 'z' ? "y" : "z", key.AsSpan(position + 1));
            Assert.Null(authorizer.Authorize(Presenting(altered), AuthorizationLevel.Function));
        }
    }

    [Fact]
    public void A_changed_configuration_is_used_for_the_next_request()
    {
        var options = new DevHostOptions();
        options.FunctionKeys["default"] = Function;
        var authorizer = new FunctionKeyAuthorizer(new FixedOptions(options));
        Assert.Equal(AuthorizationLevel.Function, authorizer.Authorize(Presenting(Function), AuthorizationLevel.Function));

        options.FunctionKeys["default"] = "rotated-" + Function;

        Assert.Null(authorizer.Authorize(Presenting(Function), AuthorizationLevel.Function));
        Assert.Equal(AuthorizationLevel.Function, authorizer.Authorize(Presenting("rotated-" + Function), AuthorizationLevel.Function));
    }

    private sealed class FixedOptions(DevHostOptions value) : IOptionsMonitor<DevHostOptions>
    {
        public DevHostOptions CurrentValue => value;

        public DevHostOptions Get(string? name) => value;

        public IDisposable? OnChange(Action<DevHostOptions, string?> listener) => null;
    }
}
