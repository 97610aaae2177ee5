using System.Globalization;
using System.Net;
using System.Text;

namespace Dco.Core.Simulation;

/// <summary>
/// Draws a run's cumulative CTR per policy as a self-contained SVG line chart (no plotting
/// library: the markup is small and renders the same everywhere).
/// </summary>
public static class CumulativeCtrChart
{
    private const int Width = 900;
    private const int Height = 540;
    private const int Left = 80;
    private const int Right = 180;
    private const int Top = 50;
    private const int Bottom = 60;

    private static readonly string[] Palette = ["#1f77b4", "#d62728", "#2ca02c", "#9467bd", "#ff7f0e", "#8c564b", "#e377c2", "#17becf"];

    public static string ToSvg(SimulationReport report)
    {
        var points = report.CumulativeCtr;
        if (points.Count == 0)
        {
            throw new ArgumentException("The report has no cumulative CTR points to draw.", nameof(report));
        }

        // Skip the first few percent of the run in the y range: early cumulative CTR is pure noise.
        var settled = points.Skip(points.Count / 20).ToList();
        var yMax = NiceCeiling(settled.Max(p => p.Ctr.Max()) * 1.05);
        var xMax = (double)report.Impressions;
        double X(double impressions) => Left + ((Width - Left - Right) * impressions / xMax);
        double Y(double ctr) => Top + ((Height - Top - Bottom) * (1 - Math.Min(ctr, yMax) / yMax));

        var svg = new StringBuilder();
        svg.Append(Inv($"<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{Width}\" height=\"{Height}\" viewBox=\"0 0 {Width} {Height}\" font-family=\"sans-serif\" font-size=\"12\">\n"));
        svg.Append(Inv($"<rect width=\"{Width}\" height=\"{Height}\" fill=\"white\"/>\n"));
        svg.Append(Inv($"<text x=\"{Width / 2}\" y=\"28\" text-anchor=\"middle\" font-size=\"16\">Cumulative CTR per policy — scenario {Escape(report.Scenario)}, seed {report.Seed}</text>\n"));

        for (var i = 0; i <= 5; i++)
        {
            var ctr = yMax * i / 5;
            var y = Y(ctr);
            svg.Append(Inv($"<line x1=\"{Left}\" y1=\"{y:0.#}\" x2=\"{Width - Right}\" y2=\"{y:0.#}\" stroke=\"#e0e0e0\"/>\n"));
            svg.Append(Inv($"<text x=\"{Left - 8}\" y=\"{y + 4:0.#}\" text-anchor=\"end\">{ctr * 100:0.##} %</text>\n"));
            var impressions = xMax * i / 5;
            var x = X(impressions);
            svg.Append(Inv($"<text x=\"{x:0.#}\" y=\"{Height - Bottom + 20}\" text-anchor=\"middle\">{impressions:#,0}</text>\n"));
        }

        svg.Append(Inv($"<text x=\"{(Left + Width - Right) / 2}\" y=\"{Height - 15}\" text-anchor=\"middle\">impressions</text>\n"));
        svg.Append(Inv($"<text transform=\"translate(20 {(Top + Height - Bottom) / 2}) rotate(-90)\" text-anchor=\"middle\">cumulative CTR</text>\n"));
        svg.Append(Inv($"<rect x=\"{Left}\" y=\"{Top}\" width=\"{Width - Left - Right}\" height=\"{Height - Top - Bottom}\" fill=\"none\" stroke=\"#444\"/>\n"));

        if (report.ShiftAt > 0 && report.ShiftAt < report.Impressions)
        {
            var x = X(report.ShiftAt);
            svg.Append(Inv($"<line x1=\"{x:0.#}\" y1=\"{Top}\" x2=\"{x:0.#}\" y2=\"{Height - Bottom}\" stroke=\"#888\" stroke-dasharray=\"4 4\"/>\n"));
            svg.Append(Inv($"<text x=\"{x + 4:0.#}\" y=\"{Top + 14}\" fill=\"#666\">shift in tastes</text>\n"));
        }

        for (var s = 0; s < report.Series.Count; s++)
        {
            var colour = report.Series[s] == Simulator.OracleName ? "#000000" : Palette[s % Palette.Length];
            var dash = report.Series[s] == Simulator.OracleName ? " stroke-dasharray=\"6 3\"" : "";
            svg.Append(Inv($"<polyline fill=\"none\" stroke=\"{colour}\" stroke-width=\"2\"{dash} points=\""));
            foreach (var point in points)
            {
                svg.Append(Inv($"{X(point.Impressions):0.#},{Y(point.Ctr[s]):0.#} "));
            }

            svg.Append("\"/>\n");
            var legendY = Top + 10 + (s * 22);
            svg.Append(Inv($"<line x1=\"{Width - Right + 15}\" y1=\"{legendY}\" x2=\"{Width - Right + 40}\" y2=\"{legendY}\" stroke=\"{colour}\" stroke-width=\"2\"{dash}/>\n"));
            svg.Append(Inv($"<text x=\"{Width - Right + 46}\" y=\"{legendY + 4}\">{Escape(report.Series[s])} {points[^1].Ctr[s] * 100:0.00} %</text>\n"));
        }

        svg.Append("</svg>\n");
        return svg.ToString();
    }

    private static double NiceCeiling(double value)
    {
        if (value <= 0)
        {
            return 0.01;
        }

        var magnitude = Math.Pow(10, Math.Floor(Math.Log10(value)));
        foreach (var step in new[] { 1.0, 1.2, 1.5, 2.0, 2.5, 3.0, 4.0, 5.0, 6.0, 8.0, 10.0 })
        {
            if (step * magnitude >= value)
            {
                return step * magnitude;
            }
        }

        return 10 * magnitude;
    }

    private static string Escape(string text) => WebUtility.HtmlEncode(text);

    private static string Inv(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
