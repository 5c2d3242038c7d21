using System.Globalization;
using Solvers.IO;
using Solvers.IO.Hdf5;
using Solvers.Krylov;
using Solvers.Operators;
using Solvers.Sampling;

namespace Solvers.Pde;

/// <summary>The two shift distributions of the shifted-Laplacian sequence (spec sor-bandit §2.9(a)).</summary>
public enum ShiftDistribution
{
    /// <summary>X ~ Beta(0.5, 1.5): the "high variance" setting.</summary>
    High,

    /// <summary>X ~ Beta(2, 6): the "low variance" setting.</summary>
    Low,
}

/// <summary>One instance A_t = A + c_t I, b_t of the shifted-Laplacian sequence; the context is <see cref="Shift"/>.</summary>
/// <param name="Index">0-based position t − 1.</param>
/// <param name="Shift">c_t ∈ [−0.15, 0.45].</param>
/// <param name="A">A + c_t I (CSR, natural ordering, SPD).</param>
/// <param name="B">b_t, a radially truncated Gaussian (‖b_t‖₂ ≤ √n).</param>
public sealed record ShiftedLaplacianInstance(int Index, double Shift, CsrMatrix A, double[] B);

/// <summary>One Crank–Nicolson step of the heat sequence; the context is <see cref="Kappa"/> = κ(t).</summary>
/// <param name="Index">Step number k (0-based).</param>
/// <param name="Time">t = k·dt, the start of the step (the system gives u at t + dt).</param>
/// <param name="Kappa">κ(t) — the context (spec pitfall 12: not κ(t + dt/2)).</param>
/// <param name="KappaHalf">κ(t + dt/2), the coefficient in the matrix.</param>
/// <param name="A">I − ½κ(t + dt/2)·dt·L (SPD, CSR, natural ordering).</param>
/// <param name="B">(I + ½κ(t + dt/2)·dt·L) u + dt·f(t + dt/2).</param>
/// <param name="X0">u, the previous step's solution (the warm start).</param>
public sealed record HeatStepInstance(int Index, double Time, double Kappa, double KappaHalf, CsrMatrix A, double[] B, double[] X0);

/// <summary>
/// Instance generators of "Learning to Relax" (spec sor-bandit §2.9): the shifted-Laplacian SOR sequence and the
/// 2-D heat equation with Crank–Nicolson, as lazy enumerables and as problem sets.
/// </summary>
/// <remarks>
/// <para><b>Problem-set form.</b> Problem ids are the 0-based index with six digits ("000000", …); every problem
/// carries <c>sequence</c> (the sequence name), <c>sequence_index</c>, <c>symmetric</c> = <c>spd</c> = 1 and, for
/// the heat sequence, <c>time</c> (t at the start of the step) and <c>x0</c> (the warm start). The context of an
/// instance is stored as the <b><c>meta/context</c></b> attribute (a string, round-trip "R" format), with
/// <c>meta/context_name</c> = "shift" or "kappa"; <c>solvers solve --all --tune …</c> reads it from there.
/// All instances share one sparsity pattern, so problem 000000 stores a full <c>csr</c> group and every later
/// problem a <c>pattern_from</c> group pointing at <c>/problems/000000/A</c> (PS §4.9).</para>
/// <para><b>Random streams.</b> The shifted-Laplacian stream draws, per instance, X_t ~ Beta then b_t by rejection,
/// from one <see cref="Xoshiro256StarStar"/> seeded with the given seed; learners must use their own generators.</para>
/// <para><b>Heat trajectory.</b> The step matrices depend on t only, but b_t depends on u_t. So that every method sees
/// the same instances (§2.8), the generator advances u itself with CG at rtol 1e−12 warm-started at u (not counted
/// anywhere) and hands u to the caller as the warm start X0.</para>
/// </remarks>
public static class SorSequences
{
    /// <summary>Name of the shifted-Laplacian sequence in problem sets.</summary>
    public const string ShiftedLaplacianName = "shifted-laplacian";

    /// <summary>Name of the heat sequence in problem sets.</summary>
    public const string HeatName = "heat2d-cn";

    /// <summary>The 5-point matrix on an m×m interior grid (natural ordering): <paramref name="diagonal"/> on the
    /// diagonal and <paramref name="offDiagonal"/> for each of the up to four neighbours.</summary>
    public static CsrMatrix FivePoint(int m, double diagonal, double offDiagonal)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(m, 1);
        int n = m * m;
        var ptr = new int[n + 1];
        var idx = new int[5 * n - 4 * m];
        var val = new double[idx.Length];
        int k = 0;
        for (int r = 0; r < m; r++)
        {
            for (int c = 0; c < m; c++)
            {
                int i = r * m + c;
                if (r > 0) { idx[k] = i - m; val[k++] = offDiagonal; }
                if (c > 0) { idx[k] = i - 1; val[k++] = offDiagonal; }
                idx[k] = i; val[k++] = diagonal;
                if (c < m - 1) { idx[k] = i + 1; val[k++] = offDiagonal; }
                if (r < m - 1) { idx[k] = i + m; val[k++] = offDiagonal; }
                ptr[i + 1] = k;
            }
        }

        var props = diagonal - 4 * Math.Abs(offDiagonal) * Math.Cos(Math.PI / (m + 1)) > 0
            ? OperatorProperties.Symmetric | OperatorProperties.PositiveDefinite
            : OperatorProperties.Symmetric;
        return new CsrMatrix(n, n, ptr, idx, val, props);
    }

    /// <summary>A + c I for the spec's base matrix: delsq(numgrid('S', m + 2)), i.e. 4 on the diagonal, −1 off it, no h².</summary>
    public static CsrMatrix ShiftedLaplacian(double shift, int m = 10) => FivePoint(m, 4 + shift, -1);

    /// <summary>The Jacobi radius β_c = ρ(I − D⁻¹(A + cI)) = 4cos(π/(m + 1))/(4 + c) of the shifted m×m Laplacian.</summary>
    public static double JacobiRadius(double shift, int m = 10) => 4 * Math.Cos(Math.PI / (m + 1)) / (4 + shift);

    /// <summary>Young's optimal SOR parameter ω* = 2/(1 + √(1 − β²)) for the shifted m×m Laplacian (an oracle).</summary>
    public static double YoungOmega(double shift, int m = 10)
    {
        double beta = JacobiRadius(shift, m);
        return 2 / (1 + Math.Sqrt(1 - beta * beta));
    }

    /// <summary>The Beta parameters of a distribution: (0.5, 1.5) high, (2, 6) low.</summary>
    public static (double A, double B) BetaParameters(ShiftDistribution distribution) =>
        distribution == ShiftDistribution.High ? (0.5, 1.5) : (2, 6);

    /// <summary>
    /// The shifted-Laplacian sequence (§2.9(a)): c_t = −0.15 + 0.6·X_t with X_t ~ Beta, A_t = A + c_t I on the m×m
    /// grid (m = 10, n = 100 in the spec), b_t ~ N(0, I) conditioned on ‖b_t‖₂ ≤ √n. Deterministic for a seed.
    /// </summary>
    public static IEnumerable<ShiftedLaplacianInstance> ShiftedLaplacianSequence(ShiftDistribution distribution, int count, ulong seed, int m = 10)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        ArgumentOutOfRangeException.ThrowIfLessThan(m, 1);
        return Iterate(distribution, count, seed, m);

        static IEnumerable<ShiftedLaplacianInstance> Iterate(ShiftDistribution distribution, int count, ulong seed, int m)
        {
            var rng = new Xoshiro256StarStar(seed);
            var (pa, pb) = BetaParameters(distribution);
            int n = m * m;
            double radius = Math.Sqrt(n);
            for (int t = 0; t < count; t++)
            {
                double c = -0.15 + 0.6 * rng.NextBeta(pa, pb);
                var b = new double[n];
                rng.NextTruncatedGaussian(b, radius);
                yield return new ShiftedLaplacianInstance(t, c, ShiftedLaplacian(c, m), b);
            }
        }
    }

    /// <summary>κ(t) = max(0.1 sin 2πt, −10 sin 2πt) ∈ [0, 10].</summary>
    public static double Kappa(double t)
    {
        double s = Math.Sin(2 * Math.PI * t);
        return Math.Max(0.1 * s, -10 * s);
    }

    /// <summary>bump(x; centre, r) = exp(1 − 1/(1 − q)), q = ‖x − centre‖²/r², when q &lt; 1; else 0 (peak 1).</summary>
    public static double Bump(double x, double y, double cx, double cy, double r)
    {
        double q = ((x - cx) * (x - cx) + (y - cy) * (y - cy)) / (r * r);
        return q < 1 ? Math.Exp(1 - 1 / (1 - q)) : 0;
    }

    /// <summary>The forcing f(t, x) = 32·bump(x; (0.5 + cos(16πt)/4, 0.5 + sin(16πt)/4), 0.125).</summary>
    public static double Forcing(double t, double x, double y) =>
        32 * Bump(x, y, 0.5 + Math.Cos(16 * Math.PI * t) / 4, 0.5 + Math.Sin(16 * Math.PI * t) / 4, 0.125);

    /// <summary>The Crank–Nicolson step matrix I − ½κ·dt·L = I + ½κ·dt/dx²·K (K = 5-point delsq) on the (nx − 1)² interior nodes.</summary>
    public static CsrMatrix HeatStepMatrix(int nx, double kappaHalf, double dt)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(nx, 2);
        double dx = 1.0 / nx;
        double alpha = 0.5 * kappaHalf * dt / (dx * dx);
        return FivePoint(nx - 1, 1 + 4 * alpha, -alpha);
    }

    /// <summary>
    /// The heat-equation sequence (§2.9(b)): unit square, Dirichlet 0, dx = 1/nx, n = (nx − 1)², dt (1e−3 in the spec),
    /// <paramref name="steps"/> Crank–Nicolson steps from u₀ = bump((0.5, 0.5), 0.25) with a bump source moving on a
    /// circle. Each instance's X0 is the current u; the generator then advances u by a tight CG solve (see remarks).
    /// </summary>
    public static IEnumerable<HeatStepInstance> HeatSequence(int nx, int steps, double dt = 1e-3)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(nx, 2);
        ArgumentOutOfRangeException.ThrowIfNegative(steps);
        if (!(dt > 0) || !double.IsFinite(dt)) throw new ArgumentOutOfRangeException(nameof(dt), dt, "dt must be positive and finite.");
        return Iterate(nx, steps, dt);

        static IEnumerable<HeatStepInstance> Iterate(int nx, int steps, double dt)
        {
            int m = nx - 1, n = m * m;
            double dx = 1.0 / nx;
            var u = new double[n];
            for (int r = 0; r < m; r++)
                for (int c = 0; c < m; c++)
                    u[r * m + c] = Bump((c + 1) * dx, (r + 1) * dx, 0.5, 0.5, 0.25);
            var cg = new ConjugateGradient(new ConjugateGradientWorkspace(n));
            var tight = new SolverOptions { RelativeTolerance = 1e-12, MaxIterations = 100_000, SymmetryCheck = SymmetryCheck.Off };
            for (int k = 0; k < steps; k++)
            {
                double t = k * dt, th = t + dt / 2;
                double kh = Kappa(th);
                double alpha = 0.5 * kh * dt / (dx * dx);
                var a = FivePoint(m, 1 + 4 * alpha, -alpha);
                var b = new double[n];
                for (int r = 0; r < m; r++)
                {
                    for (int c = 0; c < m; c++)
                    {
                        int i = r * m + c;
                        double nb = (r > 0 ? u[i - m] : 0) + (c > 0 ? u[i - 1] : 0) + (c < m - 1 ? u[i + 1] : 0) + (r < m - 1 ? u[i + m] : 0);
                        b[i] = (1 - 4 * alpha) * u[i] + alpha * nb + dt * Forcing(th, (c + 1) * dx, (r + 1) * dx);
                    }
                }

                var x0 = (double[])u.Clone();
                yield return new HeatStepInstance(k, t, Kappa(t), kh, a, b, x0);
                cg.Solve(a, b, u, tight);
            }
        }
    }

    /// <summary>The instance as a problem (id = 6-digit index; sequence, sequence_index, meta/context).</summary>
    public static LinearProblem ToProblem(ShiftedLaplacianInstance inst, ShiftDistribution distribution, ulong seed)
    {
        ArgumentNullException.ThrowIfNull(inst);
        return MakeProblem(inst.Index, $"{ShiftedLaplacianName} c={inst.Shift.ToString("0.######", CultureInfo.InvariantCulture)}",
            inst.A, inst.B, null, ShiftedLaplacianName, null, inst.Shift, "shift",
            $"sor-bandit §2.9(a), distribution {distribution.ToString().ToLowerInvariant()}, seed {seed}");
    }

    /// <summary>The heat step as a problem (id = 6-digit index; sequence, sequence_index, time, x0, meta/context = κ(t)).</summary>
    public static LinearProblem ToProblem(HeatStepInstance inst, int nx, double dt)
    {
        ArgumentNullException.ThrowIfNull(inst);
        return MakeProblem(inst.Index, $"{HeatName} nx={nx} step {inst.Index}", inst.A, inst.B, inst.X0, HeatName, inst.Time, inst.Kappa, "kappa",
            string.Create(CultureInfo.InvariantCulture, $"sor-bandit §2.9(b), nx {nx}, dt {dt:R}, Crank–Nicolson"));
    }

    /// <summary>Writes the shifted-Laplacian sequence as a problem set (later problems share problem 0's pattern).</summary>
    public static void WriteShiftedLaplacian(string path, ShiftDistribution distribution, int count, ulong seed, int m = 10)
    {
        var writer = new ProblemSetWriter { Description = $"shifted-Laplacian SOR sequence (sor-bandit §2.9(a)), {distribution.ToString().ToLowerInvariant()} variance, T = {count}, seed {seed}" };
        foreach (var inst in ShiftedLaplacianSequence(distribution, count, seed, m))
            writer.Add(ToProblem(inst, distribution, seed), StorageFor(inst.Index));
        writer.Write(path);
    }

    /// <summary>Writes the heat sequence as a problem set (later problems share problem 0's pattern).</summary>
    public static void WriteHeat(string path, int nx, int steps, double dt = 1e-3)
    {
        var writer = new ProblemSetWriter { Description = string.Create(CultureInfo.InvariantCulture, $"2-D heat Crank–Nicolson sequence (sor-bandit §2.9(b)), nx = {nx}, T = {steps}, dt = {dt:R}") };
        foreach (var inst in HeatSequence(nx, steps, dt))
            writer.Add(ToProblem(inst, nx, dt), StorageFor(inst.Index));
        writer.Write(path);
    }

    private static ProblemWriteOptions StorageFor(int index) =>
        new() { Storage = index == 0 ? "csr" : "pattern_from:/problems/000000/A", Compression = 1 };

    private static LinearProblem MakeProblem(int index, string name, CsrMatrix a, double[] b, double[]? x0, string sequence, double? time,
        double context, string contextName, string source)
    {
        string id = index.ToString("D6", CultureInfo.InvariantCulture);
        var attrs = new Dictionary<string, string>
        {
            ["name"] = name,
            ["source"] = source,
            ["symmetric"] = "1",
            ["spd"] = "1",
            ["sequence"] = sequence,
            ["sequence_index"] = index.ToString(CultureInfo.InvariantCulture),
        };
        if (time is { } t) attrs["time"] = t.ToString("R", CultureInfo.InvariantCulture);
        var meta = new Dictionary<string, string>
        {
            ["context"] = context.ToString("R", CultureInfo.InvariantCulture),
            ["context_name"] = contextName,
        };
        return new LinearProblem(id, name, ProblemKind.LinearSystem, a, LinearProblem.AsBlock(b), null,
            x0 is null ? null : LinearProblem.AsBlock(x0), null, null, new Dictionary<string, double[]>(), meta, new LoadReport { Format = "generated" })
        {
            Attributes = attrs,
        };
    }
}
