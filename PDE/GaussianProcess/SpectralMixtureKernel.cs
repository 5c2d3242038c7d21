namespace Solvers.Pde.GaussianProcess;

/// <summary>
/// Point evaluation of one dimension's kernel k(z) = Σ_q w_q·φ_q(z) at arbitrary signed lags (spec §2.2, §2.7).
/// Parameter layout as in <see cref="KernelLagTable"/>: θ = [a (Q) | b (Q) | μ (Q)].
/// </summary>
public static class SpectralMixtureKernel
{
    private const double Sqrt5 = 2.2360679774997896964091736687313;
    private const double TwoPi = 2.0 * Math.PI;
    private const int StackLimit = 128;

    /// <summary>True for the kinds with a cosine factor (and so with μ parameters).</summary>
    public static bool HasFrequencies(SpectralKernelKind kind) =>
        kind is SpectralKernelKind.StudentTMatern52 or SpectralKernelKind.GaussianMixture;

    /// <summary>k(z), k'(z), k''(z) at the signed lag z (k'(0) = 0 and k''(0) the analytic limit).</summary>
    public static void Evaluate(SpectralKernelKind kind, ReadOnlySpan<double> parameters, double z,
        out double value, out double first, out double second)
    {
        int q = ComponentCount(kind, parameters);
        Span<double> buffer = q <= StackLimit ? stackalloc double[3 * q] : new double[3 * q];
        Precompute(kind, parameters, buffer[..q], buffer.Slice(q, q), buffer.Slice(2 * q, q));
        Accumulate(kind, buffer[..q], buffer.Slice(q, q), buffer.Slice(2 * q, q), z,
            out value, out first, out second, [], [], []);
    }

    /// <summary>
    /// k, k', k'' at z and their derivatives with respect to every parameter (each gradient span has length 3Q and is
    /// overwritten; μ entries are zero for the baselines).
    /// </summary>
    public static void EvaluateWithGradient(SpectralKernelKind kind, ReadOnlySpan<double> parameters, double z,
        out double value, out double first, out double second,
        Span<double> valueGradient, Span<double> firstGradient, Span<double> secondGradient)
    {
        int q = ComponentCount(kind, parameters);
        if (valueGradient.Length != 3 * q || firstGradient.Length != 3 * q || secondGradient.Length != 3 * q)
            throw new ArgumentException("Each gradient span must have length 3Q.", nameof(valueGradient));
        Span<double> buffer = q <= StackLimit ? stackalloc double[3 * q] : new double[3 * q];
        Precompute(kind, parameters, buffer[..q], buffer.Slice(q, q), buffer.Slice(2 * q, q));
        Accumulate(kind, buffer[..q], buffer.Slice(q, q), buffer.Slice(2 * q, q), z,
            out value, out first, out second, valueGradient, firstGradient, secondGradient);
    }

    /// <summary>
    /// The column-major rows×cols cross-covariance matrix C_ia = k^(d)(s_i − t_a) for derivative order d ∈ {0, 1, 2}
    /// (the derivative acts on the first argument), written with leading dimension <paramref name="ld"/> ≥ rows.
    /// Used for prediction at arbitrary points.
    /// </summary>
    public static void CrossCovariance(SpectralKernelKind kind, ReadOnlySpan<double> parameters, int derivative,
        ReadOnlySpan<double> s, ReadOnlySpan<double> t, Span<double> matrix, int ld)
    {
        int q = ComponentCount(kind, parameters);
        if (derivative is < 0 or > 2)
            throw new ArgumentOutOfRangeException(nameof(derivative), derivative, "The derivative order must be 0, 1 or 2.");
        int rows = s.Length, cols = t.Length;
        if (ld < Math.Max(1, rows)) throw new ArgumentException("The leading dimension must be at least the row count.", nameof(ld));
        if (cols > 0 && matrix.Length < (long)(cols - 1) * ld + rows)
            throw new ArgumentException("The matrix span is too short.", nameof(matrix));
        Span<double> buffer = q <= StackLimit ? stackalloc double[3 * q] : new double[3 * q];
        Span<double> w = buffer[..q], shape = buffer.Slice(q, q), omega = buffer.Slice(2 * q, q);
        Precompute(kind, parameters, w, shape, omega);
        if (derivative == 0)
        {
            ValueCrossCovariance(kind, w, shape, omega, s, t, matrix, ld);
            return;
        }
        for (int a = 0; a < cols; a++)
        {
            var column = matrix.Slice(a * ld, rows);
            double ta = t[a];
            for (int i = 0; i < rows; i++)
            {
                Accumulate(kind, w, shape, omega, s[i] - ta, out double v, out double f, out double sec, [], [], []);
                column[i] = derivative switch { 0 => v, 1 => f, _ => sec };
            }
        }
    }

    /// <summary>
    /// The value-only cross-covariance (prediction at checkpoints: 300·M·Q kernel terms): no lag derivatives, columns
    /// spread over the cores when the work is large. Each entry is computed exactly as <see cref="Evaluate"/> computes k.
    /// </summary>
    private static unsafe void ValueCrossCovariance(SpectralKernelKind kind, ReadOnlySpan<double> w, ReadOnlySpan<double> shape,
        ReadOnlySpan<double> omega, ReadOnlySpan<double> s, ReadOnlySpan<double> t, Span<double> matrix, int ld)
    {
        int rows = s.Length, cols = t.Length, q = w.Length;
        double[] wa = w.ToArray(), sa = shape.ToArray(), oa = omega.ToArray(), sv = s.ToArray(), tv = t.ToArray();
        fixed (double* pm = matrix)
        {
            nint basePtr = (nint)pm;
            void Column(int a)
            {
                double* column = (double*)basePtr + (long)a * ld;
                double ta = tv[a];
                for (int i = 0; i < rows; i++)
                {
                    Accumulate(kind, wa, sa, oa, sv[i] - ta, out double v, out _, out _, [], [], []);
                    column[i] = v;
                }
            }
            if ((long)rows * cols * q < 200_000 || Environment.ProcessorCount == 1)
            {
                for (int a = 0; a < cols; a++) Column(a);
            }
            else
            {
                Parallel.For(0, cols, Column);
            }
        }
    }

    /// <summary>Q from the parameter length, validating it (length 3Q, Q ≥ 1).</summary>
    internal static int ComponentCount(SpectralKernelKind kind, ReadOnlySpan<double> parameters)
    {
        if (!Enum.IsDefined(kind)) throw new ArgumentException("Unknown kernel kind.", nameof(kind));
        if (parameters.Length < 3 || parameters.Length % 3 != 0)
            throw new ArgumentException("The parameter vector must have length 3Q with Q ≥ 1.", nameof(parameters));
        return parameters.Length / 3;
    }

    /// <summary>w_q = e^{a_q}, the envelope rate (s = √5·e^b for Matérn, ℓ = e^b for SE) and ω_q = 2πμ_q (0 for baselines).</summary>
    internal static void Precompute(SpectralKernelKind kind, ReadOnlySpan<double> parameters,
        Span<double> weights, Span<double> shapes, Span<double> omegas)
    {
        int q = weights.Length;
        bool matern = IsMatern(kind), freq = HasFrequencies(kind);
        for (int i = 0; i < q; i++)
        {
            weights[i] = Math.Exp(parameters[i]);
            double e = Math.Exp(parameters[q + i]);
            shapes[i] = matern ? Sqrt5 * e : e;
            omegas[i] = freq ? TwoPi * parameters[2 * q + i] : 0.0;
        }
    }

    internal static bool IsMatern(SpectralKernelKind kind) =>
        kind is SpectralKernelKind.StudentTMatern52 or SpectralKernelKind.Matern52;

    /// <summary>Sums the components at the signed lag z; gradient spans are either empty or length 3Q.</summary>
    private static void Accumulate(SpectralKernelKind kind, ReadOnlySpan<double> weights, ReadOnlySpan<double> shapes,
        ReadOnlySpan<double> omegas, double z, out double value, out double first, out double second,
        Span<double> valueGradient, Span<double> firstGradient, Span<double> secondGradient)
    {
        int q = weights.Length;
        double r = Math.Abs(z);
        bool negative = z < 0;
        bool withGradient = valueGradient.Length != 0;
        double v = 0, f = 0, sec = 0;
        for (int i = 0; i < q; i++)
        {
            Component(kind, shapes[i], omegas[i], r, out var c);
            double w = weights[i];
            v += w * c.P0;
            f += w * c.P1;
            sec += w * c.P2;
            if (withGradient)
            {
                valueGradient[i] = w * c.P0;
                valueGradient[q + i] = w * c.B0;
                valueGradient[2 * q + i] = w * c.M0;
                firstGradient[i] = w * c.P1;
                firstGradient[q + i] = w * c.B1;
                firstGradient[2 * q + i] = w * c.M1;
                secondGradient[i] = w * c.P2;
                secondGradient[q + i] = w * c.B2;
                secondGradient[2 * q + i] = w * c.M2;
            }
        }
        value = v;
        second = sec;
        if (r == 0)
        {
            first = 0.0;
            if (withGradient) firstGradient.Clear();
        }
        else if (negative)
        {
            first = -f;
            if (withGradient)
                for (int p = 0; p < 3 * q; p++) firstGradient[p] = -firstGradient[p];
        }
        else
        {
            first = f;
        }
    }

    /// <summary>
    /// One component φ at the non-negative lag r: φ, φ', φ'' (P), their b-derivatives (B) and μ-derivatives (M, already
    /// including the factor 2π; zero for the baselines). The odd quantities are those at the positive lag r.
    /// </summary>
    internal static void Component(SpectralKernelKind kind, double shape, double omega, double r, out ComponentValues c)
    {
        double g0, g1, g2, b0, b1, b2;
        if (IsMatern(kind))
        {
            double s = shape, sr = s * r, e = Math.Exp(-sr), s2 = s * s, sr2 = sr * sr;
            double k = s2 / 3.0 * e;
            g0 = (1.0 + sr + sr2 / 3.0) * e;
            g1 = -k * r * (1.0 + sr);
            g2 = -k * (1.0 + sr - sr2);
            b0 = -(sr2 / 3.0) * (1.0 + sr) * e;
            b1 = -k * r * (2.0 + 2.0 * sr - sr2);
            b2 = -k * (2.0 + 2.0 * sr - 5.0 * sr2 + sr2 * sr);
        }
        else
        {
            double l = shape, rr = r * r, e = Math.Exp(-l * rr), lrr = l * rr;
            double h2 = 4.0 * l * lrr - 2.0 * l; // 4ℓ²r² − 2ℓ
            g0 = e;
            g1 = -2.0 * l * r * e;
            g2 = h2 * e;
            b0 = -lrr * e;
            b1 = l * r * (-2.0 + 2.0 * lrr) * e;
            b2 = l * ((8.0 * lrr - 2.0) - rr * h2) * e;
        }
        if (!HasFrequencies(kind))
        {
            c = new ComponentValues(g0, g1, g2, b0, b1, b2, 0.0, 0.0, 0.0);
            return;
        }
        double w = omega, wr = w * r;
        var (sn, cs) = Math.SinCos(wr);
        double p0 = g0 * cs;
        double p1 = g1 * cs - w * g0 * sn;
        double p2 = g2 * cs - 2.0 * w * g1 * sn - w * w * g0 * cs;
        double q0 = b0 * cs;
        double q1 = b1 * cs - w * b0 * sn;
        double q2 = b2 * cs - 2.0 * w * b1 * sn - w * w * b0 * cs;
        double t = sn + wr * cs;
        double m0 = -r * g0 * sn;
        double m1 = -r * g1 * sn - g0 * t;
        double m2 = -r * g2 * sn - 2.0 * g1 * t + g0 * (-2.0 * w * cs + w * wr * sn);
        c = new ComponentValues(p0, p1, p2, q0, q1, q2, TwoPi * m0, TwoPi * m1, TwoPi * m2);
    }

    /// <summary>Per-component values and derivatives at one non-negative lag.</summary>
    internal readonly record struct ComponentValues(
        double P0, double P1, double P2, double B0, double B1, double B2, double M0, double M1, double M2);
}
