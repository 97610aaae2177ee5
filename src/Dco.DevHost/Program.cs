using Dco.DevHost.Hosting;
using Dco.Functions;
using Dco.Infrastructure.Seeding;

// Runs the Dco.Functions function classes without the Azure Functions runtime (see DESIGN.md).
// `Dco.DevHost seed` prepares the local emulators (schema and demo data) and exits.
var seedOnly = args.Length > 0 && args[0] == "seed";
var builder = WebApplication.CreateBuilder(seedOnly ? args[1..] : args);
builder.AddDcoFunctions();
builder.AddDevHost(typeof(DependencyInjection).Assembly);
var app = builder.Build();
if (seedOnly)
{
    await app.Services.GetRequiredService<LocalEnvironmentSeeder>().SeedAsync(CancellationToken.None);
    return;
}

app.MapDevHostFunctions();
await app.RunAsync();
