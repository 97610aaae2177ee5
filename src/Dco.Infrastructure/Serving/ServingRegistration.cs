using Dco.Core.Serving.Privacy;
using Dco.Infrastructure.Campaigns;
using Dco.Infrastructure.Learning;
using Dco.Infrastructure.Privacy;
using Dco.Infrastructure.Cosmos;
using Dco.Infrastructure.Serving.Decisions;
using Dco.Infrastructure.Serving.Signals;
using Dco.Infrastructure.Serving.Snapshots;
using Dco.Infrastructure.Serving.Viewers;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace Dco.Infrastructure.Serving;

internal static class ServingRegistration
{
    /// <summary>The serve-time path: snapshot cache, viewer state, decision log, consent, decision service.</summary>
    public static IServiceCollection AddDcoServing(this IServiceCollection services)
    {
        services.AddOptions<ServingOptions>().BindConfiguration(ServingOptions.SectionName).ValidateDataAnnotations().ValidateOnStart();
        services.AddSingleton<SignalReader>();
        AddHosted<ServingSnapshotCache>(services);
        services.AddSingleton<FrequencyBuckets>();
        AddHosted<ViewerStateCache>(services);
        AddHosted<DecisionLogWriter>(services);
        services.AddSingleton<DecisionRecords>();
        services.AddSingleton<IViewerStateListener>(sp => sp.GetRequiredService<ViewerStateCache>());
        services.AddSingleton<IViewerStateListener>(sp => sp.GetRequiredService<DecisionLogWriter>());
        services.AddSingleton<SnapshotInvalidation>();
        services.AddSingleton<IModelChangeNotifier>(sp => sp.GetRequiredService<SnapshotInvalidation>());
        services.AddSingleton<ICampaignChangeNotifier>(sp => sp.GetRequiredService<SnapshotInvalidation>());
        services.AddSingleton(sp => new ConsentEvaluator(new ConsentPolicy(sp.GetRequiredService<IOptions<ServingOptions>>().Value.TcfVendorId)));
        services.AddSingleton<DecisionService>();
        services.AddSingleton(sp => new Dco.Core.Serving.OpenRtb.RegulationGate(sp.GetRequiredService<ConsentEvaluator>()));
        services.AddSingleton<OpenRtbBidder>();
        return services;
    }

    private static void AddHosted<T>(IServiceCollection services) where T : class, IHostedService
    {
        services.AddSingleton<T>();
        services.AddSingleton<IHostedService>(sp => sp.GetRequiredService<T>());
    }
}
