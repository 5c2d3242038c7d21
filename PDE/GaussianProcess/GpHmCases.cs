using System.Globalization;

namespace Solvers.Pde.GaussianProcess;

/// <summary>
/// One of the shipped GP-HM test cases (spec gp-kronecker-pde §4.1): a manufactured solution, its exact source (§4.2,
/// closed forms in float64) and the reference configuration (grid, freq_scale, steps, λ_b, extra GP).
/// </summary>
/// <param name="Number">The case number of spec §4.1 ("1" … "11"; variants "2-cos", "9-sin").</param>
/// <param name="Name">A short unique name, e.g. "poisson1d-sin100".</param>
/// <param name="Description">The PDE, exact solution and domain in words.</param>
/// <param name="Kind">The operator.</param>
/// <param name="Lengths">L_j per dimension.</param>
/// <param name="Points">The reference grid M_j per dimension.</param>
/// <param name="FrequencyScale">freq_scale of the initial frequencies (shared by all dimensions).</param>
/// <param name="ReferenceSteps">The reference run scripts' Adam step count.</param>
/// <param name="ExtraGpChangePoint">The extra-GP change point fraction (spec §2.10), or null.</param>
/// <param name="AdvectionSpeed">β (0 unless advection).</param>
/// <param name="BoundaryWeight">λ_b (200, or 500 for advection).</param>
/// <param name="Exact">The exact solution u.</param>
/// <param name="Source">f = (PDE operator)(u), in closed form.</param>
/// <param name="TrueFrequencies">The frequencies (cycles per unit) the learned μ should find, as listed by spec §4.2; empty where it lists none.</param>
/// <param name="Variant">Which variant of a case whose definition disagrees inside the reference (spec §6.11), or null.</param>
public sealed record GpHmCase(
    string Number,
    string Name,
    string Description,
    PdeKind Kind,
    IReadOnlyList<double> Lengths,
    IReadOnlyList<int> Points,
    double FrequencyScale,
    long ReferenceSteps,
    double? ExtraGpChangePoint,
    double AdvectionSpeed,
    double BoundaryWeight,
    GridFunction Exact,
    GridFunction Source,
    IReadOnlyList<double> TrueFrequencies,
    string? Variant)
{
    /// <summary>D.</summary>
    public int Dimensions => Lengths.Count;

    /// <summary>
    /// The problem on the reference grid or on <paramref name="points"/> (one count per dimension): f sampled from
    /// <see cref="Source"/>, Dirichlet data the exact solution at the boundary nodes, and the exact solution attached for
    /// the test-error metric.
    /// </summary>
    /// <exception cref="ArgumentException">The point counts do not fit the case (wrong number of dimensions, fewer than 3).</exception>
    public TensorGridPde CreateProblem(IReadOnlyList<int>? points = null)
    {
        var m = points ?? Points;
        if (m.Count != Dimensions)
            throw new ArgumentException($"Case {Number} ({Name}) is {Dimensions}-D; got {m.Count} grid point counts.", nameof(points));
        return TensorGridPde.FromFunctions(Kind, Lengths, m, Source, Exact, Exact, AdvectionSpeed, Name);
    }

    /// <summary>The case's reference options for a run of <paramref name="steps"/> Adam steps (freq_scale, λ_b, extra GP).</summary>
    public GpHmOptions CreateOptions(int steps, SpectralKernelKind kernel = SpectralKernelKind.StudentTMatern52) => new()
    {
        Steps = steps,
        Kernel = kernel,
        FrequencyScale = [FrequencyScale],
        BoundaryWeight = BoundaryWeight,
        ExtraGp = ExtraGpChangePoint is { } c ? new GpHmExtraGpOptions(c) : null,
    };
}

/// <summary>The catalogue of GP-HM cases (spec gp-kronecker-pde §4.1, §4.2).</summary>
public static class GpHmCases
{
    private const double TwoPi = 2 * Math.PI;

    /// <summary>Every case, in spec order (variants after their code case).</summary>
    public static IReadOnlyList<GpHmCase> All { get; } = Build();

    /// <summary>The case with this number ("1", "2-cos") or name ("poisson1d-sin100"), case-insensitive.</summary>
    /// <exception cref="ArgumentException">No such case; the message lists the valid ones.</exception>
    public static GpHmCase Get(string nameOrNumber)
    {
        ArgumentNullException.ThrowIfNull(nameOrNumber);
        string key = nameOrNumber.Trim();
        foreach (var c in All)
        {
            if (string.Equals(c.Number, key, StringComparison.OrdinalIgnoreCase) || string.Equals(c.Name, key, StringComparison.OrdinalIgnoreCase))
                return c;
        }

        throw new ArgumentException($"Unknown GP-HM case '{nameOrNumber}'; valid: {string.Join(", ", All.Select(c => c.Number + " " + c.Name))}.", nameof(nameOrNumber));
    }

    // 1-D helpers: u(x) and u''(x) for a function of one coordinate.
    private static double SinCos(double x, double a, double b) => Math.Sin(a * x) * Math.Cos(b * x);

    private static double AllenCahn(double u) => u * (u * u - 1);

    private static GpHmCase Case1D(string number, string name, string description, PdeKind kind, double length, int points, double freqScale,
        long steps, double? extra, Func<double, double> u, Func<double, double> uxx, double[] trueFrequencies, string? variant = null)
    {
        GridFunction exact = p => u(p[0]);
        GridFunction source = kind == PdeKind.AllenCahn
            ? p => uxx(p[0]) + AllenCahn(u(p[0]))
            : p => uxx(p[0]);
        return new GpHmCase(number, name, description, kind, [length], [points], freqScale, steps, extra, 0, 200, exact, source, trueFrequencies, variant);
    }

    private static GpHmCase Separable2D(string number, string name, string description, PdeKind kind, double length, int points, double freqScale,
        long steps, Func<double, double> h, Func<double, double> hxx, bool product, double[] trueFrequencies, string? variant = null)
    {
        // product: u = h(x)h(y), Δu = h''(x)h(y) + h(x)h''(y); sum: u = h(x) + h(y), Δu = h''(x) + h''(y).
        GridFunction exact = product ? p => h(p[0]) * h(p[1]) : p => h(p[0]) + h(p[1]);
        GridFunction laplacian = product
            ? p => hxx(p[0]) * h(p[1]) + h(p[0]) * hxx(p[1])
            : p => hxx(p[0]) + hxx(p[1]);
        GridFunction source = kind == PdeKind.AllenCahn ? p => laplacian(p) + AllenCahn(exact(p)) : laplacian;
        return new GpHmCase(number, name, description, kind, [length, length], [points, points], freqScale, steps, null, 0, 200, exact, source,
            trueFrequencies, variant);
    }

    private static GpHmCase[] Build()
    {
        double f100 = 100 / TwoPi;
        double[] f3 = [106 / TwoPi, 94 / TwoPi];
        double[] f9 = [26 / TwoPi, 14 / TwoPi];
        static double U1(double x) => Math.Sin(100 * x);
        static double U1xx(double x) => -1e4 * Math.Sin(100 * x);
        static double U3(double x) => SinCos(x, 6, 100);
        static double U3xx(double x) => -10036 * Math.Sin(6 * x) * Math.Cos(100 * x) - 1200 * Math.Cos(6 * x) * Math.Sin(100 * x);
        static double P(double s) => Math.Sin(s) + 0.1 * Math.Sin(20 * s) + Math.Cos(100 * s);
        static double Pxx(double s) => -Math.Sin(s) - 40 * Math.Sin(20 * s) - 1e4 * Math.Cos(100 * s);
        return
        [
            Case1D("1", "poisson1d-sin100", "1-D Poisson u_xx = f, u = sin(100x) on [0, 2π]", PdeKind.Poisson, TwoPi, 400, 20, 100_000, null,
                U1, U1xx, [f100]),
            Case1D("2", "poisson1d-multiscale", "1-D Poisson, u = sin(x) + 0.1 sin(20x) + 0.05 sin(100x) on [0, 1]", PdeKind.Poisson,
                1, 900, 30, 1_000_000, 0.5,
                x => Math.Sin(x) + 0.1 * Math.Sin(20 * x) + 0.05 * Math.Sin(100 * x),
                x => -Math.Sin(x) - 40 * Math.Sin(20 * x) - 500 * Math.Sin(100 * x), [],
                "code variant (0.05·sin(100x)), the reference-compatible one"),
            Case1D("2-cos", "poisson1d-multiscale-cos", "1-D Poisson, u = sin(x) + 0.1 sin(20x) + 0.05 cos(100x) on [0, 1]", PdeKind.Poisson,
                1, 900, 30, 1_000_000, 0.5,
                x => Math.Sin(x) + 0.1 * Math.Sin(20 * x) + 0.05 * Math.Cos(100 * x),
                x => -Math.Sin(x) - 40 * Math.Sin(20 * x) - 500 * Math.Cos(100 * x), [],
                "published variant (0.05·cos(100x), README, configs and notebook); the code uses sin"),
            Case1D("3", "poisson1d-sin6cos100", "1-D Poisson, u = sin(6x)cos(100x) on [0, 2π]", PdeKind.Poisson, TwoPi, 400, 20, 100_000, null,
                U3, U3xx, f3),
            Case1D("4", "poisson1d-xsin200", "1-D Poisson, u = x sin(200x) on [0, 2π]", PdeKind.Poisson, TwoPi, 900, 50, 100_000, null,
                x => x * Math.Sin(200 * x), x => 400 * Math.Cos(200 * x) - 4e4 * x * Math.Sin(200 * x), []),
            Case1D("5", "poisson1d-sin500", "1-D Poisson, u = sin(500x) − 2(x − 0.5)² on [0, 1]", PdeKind.Poisson, 1, 400, 100,
                1_000_000, 0.01,
                x => Math.Sin(500 * x) - 2 * (x - 0.5) * (x - 0.5), x => -2.5e5 * Math.Sin(500 * x) - 4, []),
            Case1D("6", "allencahn1d-sin100", "1-D Allen–Cahn u_xx + u(u² − 1) = f, u = sin(100x) on [0, 2π]", PdeKind.AllenCahn, TwoPi, 400, 20,
                100_000, null, U1, U1xx, []),
            Case1D("7", "allencahn1d-sin6cos100", "1-D Allen–Cahn, u = sin(6x)cos(100x) on [0, 2π]", PdeKind.AllenCahn, TwoPi, 400, 20,
                100_000, null, U3, U3xx, []),
            Separable2D("8", "poisson2d-sin100", "2-D Poisson u_xx + u_yy = f, u = sin(100x)sin(100y) on [0, 2π]²", PdeKind.Poisson, TwoPi, 400, 20,
                1_000_000, U1, U1xx, product: true, []),
            Separable2D("9", "poisson2d-sin6cos20", "2-D Poisson, u = sin(6x)cos(20x) + sin(6y)cos(20y) on [0, 2π]²", PdeKind.Poisson, TwoPi, 200, 20,
                1_000_000, s => SinCos(s, 6, 20),
                s => -436 * Math.Sin(6 * s) * Math.Cos(20 * s) - 240 * Math.Cos(6 * s) * Math.Sin(20 * s), product: false, f9,
                "code variant (sin·cos, freq_scale 20 as in the config), the reference-compatible one"),
            Separable2D("9-sin", "poisson2d-sin6sin20", "2-D Poisson, u = sin(6x)sin(20x) + sin(6y)sin(20y) on [0, 2π]²", PdeKind.Poisson, TwoPi, 200,
                30, 1_000_000, s => Math.Sin(6 * s) * Math.Sin(20 * s),
                s => -436 * Math.Sin(6 * s) * Math.Sin(20 * s) + 240 * Math.Cos(6 * s) * Math.Cos(20 * s), product: false, f9,
                "notebook variant (label sin·sin, freq_scale 30 as in the notebook run); sin6s·sin20s = ½[cos14s − cos26s], the same frequencies"),
            Separable2D("10", "allencahn2d-multiscale",
                "2-D Allen–Cahn u_xx + u_yy + u(u² − 1) = f, u = p(x)p(y), p(s) = sin s + 0.1 sin 20s + cos 100s on [0, 1]²", PdeKind.AllenCahn, 1,
                400, 30, 3_000_000, P, Pxx, product: true, []),
            new GpHmCase("11", "advection2d-sin200", "advection βu_x + u_t = 0 (y = t), β = 200, u = sin(x − 200t) on [0, 1]², Dirichlet on all four edges",
                PdeKind.Advection, [1.0, 1.0], [200, 200], 40, 1_000_000, null, 200, 500,
                p => Math.Sin(p[0] - 200 * p[1]), _ => 0, [200 / TwoPi],
                "config variant ([0, 1]²; the notebook used [0, 2π]); the true frequency is the t-direction one"),
        ];
    }

    /// <summary>A one-line description of a case (number, name, grid, steps) for listings.</summary>
    public static string Describe(GpHmCase c)
    {
        ArgumentNullException.ThrowIfNull(c);
        return string.Create(CultureInfo.InvariantCulture,
            $"{c.Number} {c.Name}: {c.Description}; grid {string.Join("×", c.Points)}, freq_scale {c.FrequencyScale}, reference {c.ReferenceSteps} steps{(c.ExtraGpChangePoint is { } e ? $" with the extra GP from {e}·S" : "")}");
    }
}
