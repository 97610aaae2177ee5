using Dco.DevHost.Hosting;
using Dco.Functions;

// Runs the Dco.Functions function classes without the Azure Functions runtime (see DESIGN.md).
var builder = WebApplication.CreateBuilder(args);
builder.AddDcoFunctions();
builder.AddDevHost(typeof(DependencyInjection).Assembly);
var app = builder.Build();
app.MapDevHostFunctions();
app.Run();
