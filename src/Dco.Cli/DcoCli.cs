using System.CommandLine;

namespace Dco.Cli;

/// <summary>The <c>dco-cli</c> command tree.</summary>
public static class DcoCli
{
    public static RootCommand Create() =>
        new("DcoFunctions command-line tools: off-policy evaluation of decision logs and the creative-optimisation simulator.")
        {
            OpeCommand.Create(),
            SimulateCommand.Create(),
        };
}
