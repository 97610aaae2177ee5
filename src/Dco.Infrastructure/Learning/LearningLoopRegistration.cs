using Azure.Identity;
using Azure.Security.KeyVault.Secrets;
using Dco.Core.Serving.Tracking;
using Dco.Infrastructure.Cosmos;
using Dco.Infrastructure.Privacy;
using Dco.Infrastructure.Serving;
using Dco.Infrastructure.Tracking;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Dco.Infrastructure.Learning;

public static class LearningLoopRegistration
{
    /// <summary>Tracking tokens and URLs, event recording, the learning service and the privacy service.</summary>
    public static IServiceCollection AddDcoLearningLoop(this IServiceCollection services)
    {
        ArgumentNullException.ThrowIfNull(services);
        services.AddOptions<TrackingOptions>().BindConfiguration(TrackingOptions.SectionName).ValidateDataAnnotations().ValidateOnStart();
        services.AddOptions<PrivacyOptions>().BindConfiguration(PrivacyOptions.SectionName).ValidateDataAnnotations().ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<TrackingOptions>, KeySettingsRules>());
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<PrivacyOptions>, KeySettingsRules>());
        services.AddCosmosJsonContext(TrackingJsonContext.Default);

        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton(sp =>
        {
            var o = sp.GetRequiredService<IOptions<TrackingOptions>>().Value;
            return new TrackingKeyRing(new SigningKeyCache(KeySource(TrackingOptions.SectionName, o.KeyVaultUri, o.SigningKeySecretName, o.Keys, o.ActiveKeyId, sp)), sp.GetRequiredService<TimeProvider>());
        });
        services.TryAddSingleton(sp =>
        {
            var o = sp.GetRequiredService<IOptions<PrivacyOptions>>().Value;
            return new ViewerKeyRing(new SigningKeyCache(KeySource(PrivacyOptions.SectionName, o.KeyVaultUri, o.PseudonymizationKeySecretName, o.Keys, o.ActiveKeyId, sp)));
        });
        services.TryAddSingleton<ITrackingUrls, TrackingUrls>();
        services.TryAddSingleton(_ => new TrafficClassifier());
        services.TryAddSingleton<TrackingRejections>();
        services.TryAddSingleton<TrackingEventRecorder>();
        services.TryAddSingleton<TrackingService>();
        services.TryAddSingleton<IModelChangeNotifier, NoModelChangeNotifier>();
        services.TryAddSingleton<EventLearningService>();
        services.TryAddSingleton<ViewerPrivacyService>();
        services.AddHostedService<SigningKeyRefresher>();
        return services;
    }

    private static ISigningKeySource KeySource(string section, Uri? vault, string secretName, string? keys, string? activeKeyId, IServiceProvider services) =>
        vault is null
            ? new SettingsSigningKeySource(section, keys, activeKeyId)
            : new KeyVaultSigningKeySource(new SecretClient(vault, new DefaultAzureCredential()), secretName, services.GetRequiredService<TimeProvider>());

    /// <summary>Local key settings are checked at start-up (format, active key), not at the first token.</summary>
    private sealed class KeySettingsRules : IValidateOptions<TrackingOptions>, IValidateOptions<PrivacyOptions>
    {
        public ValidateOptionsResult Validate(string? name, TrackingOptions options) =>
            Check(TrackingOptions.SectionName, options.KeyVaultUri, options.Keys, options.ActiveKeyId);

        public ValidateOptionsResult Validate(string? name, PrivacyOptions options) =>
            Check(PrivacyOptions.SectionName, options.KeyVaultUri, options.Keys, options.ActiveKeyId);

        private static ValidateOptionsResult Check(string section, Uri? vault, string? keys, string? activeKeyId)
        {
            if (vault is not null && !string.IsNullOrWhiteSpace(keys))
            {
                return ValidateOptionsResult.Fail($"{section}: set either {section}__keyVaultUri (Azure) or {section}__keys (local), not both.");
            }

            if (string.IsNullOrWhiteSpace(keys))
            {
                return ValidateOptionsResult.Success;
            }

            try
            {
                SettingsSigningKeySource.Build(section, SettingsSigningKeySource.ParseKeys(section, keys), activeKeyId);
                return ValidateOptionsResult.Success;
            }
            catch (Exception ex) when (ex is InvalidOperationException or ArgumentException)
            {
                return ValidateOptionsResult.Fail(ex.Message);
            }
        }
    }
}

/// <summary>Re-reads Key Vault key rings periodically so a new secret version signs without a restart.</summary>
internal sealed partial class SigningKeyRefresher(
    IOptions<TrackingOptions> tracking,
    IOptions<PrivacyOptions> privacy,
    IServiceProvider services,
    TimeProvider time,
    ILogger<SigningKeyRefresher> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (tracking.Value.KeyVaultUri is null && privacy.Value.KeyVaultUri is null)
        {
            return; // settings-based rings never change while the process runs
        }

        using var timer = new PeriodicTimer(tracking.Value.KeyRefreshInterval, time);
        do
        {
            await RefreshAsync("tracking", tracking.Value.KeyVaultUri, ct => services.GetRequiredService<TrackingKeyRing>().RefreshAsync(ct), stoppingToken);
            await RefreshAsync("privacy", privacy.Value.KeyVaultUri, ct => services.GetRequiredService<ViewerKeyRing>().RefreshAsync(ct), stoppingToken);
        }
        while (await timer.WaitForNextTickAsync(stoppingToken));
    }

    private async Task RefreshAsync(string ring, Uri? vault, Func<CancellationToken, Task> refresh, CancellationToken stoppingToken)
    {
        if (vault is null)
        {
            return;
        }

        try
        {
            await refresh(stoppingToken);
        }
        catch (Exception ex) when (ex is Azure.RequestFailedException or InvalidOperationException or AuthenticationFailedException)
        {
            // Keep signing with the ring we have: rotation can wait for the next refresh.
            LogRefreshFailed(logger, ex, ring, vault);
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Refreshing the {Ring} key ring from {Vault} failed; the previous keys stay in use")]
    private static partial void LogRefreshFailed(ILogger logger, Exception ex, string ring, Uri vault);
}
