using NUnit.Framework;
using Solvers.Pde.GaussianProcess;

namespace Solvers.Tests.Pde;

/// <summary>The GP-HM case catalogue (spec gp-kronecker-pde §4.1, §4.2): sources, problems, options, lookup.</summary>
[TestFixture]
public class GpHmCasesTests
{
    private static IEnumerable<TestCaseData> Cases() => GpHmCases.All.Select(c => new TestCaseData(c.Number).SetName($"Case_{c.Number}_{c.Name}"));

    // 6th-order central stencils; h a power of two so x ± k·h is exact for the grid of the sampled points.
    private static readonly double[] D2 = [1.0 / 90, -3.0 / 20, 3.0 / 2, -49.0 / 18, 3.0 / 2, -3.0 / 20, 1.0 / 90];
    private static readonly double[] D1 = [-1.0 / 60, 3.0 / 20, -3.0 / 4, 0, 3.0 / 4, -3.0 / 20, 1.0 / 60];
    private const double H = 1.0 / 8192;

    private static double Derivative(GridFunction u, double[] point, int dim, double[] stencil, int order)
    {
        var p = (double[])point.Clone();
        double s = 0;
        for (int k = -3; k <= 3; k++)
        {
            p[dim] = point[dim] + k * H;
            s += stencil[k + 3] * u(p);
        }

        return s / (order == 2 ? H * H : H);
    }

    /// <summary>The PDE operator applied to the exact solution by finite differences.</summary>
    private static double Operator(GpHmCase c, double[] x)
    {
        double u = c.Exact(x);
        return c.Kind switch
        {
            PdeKind.Poisson => Enumerable.Range(0, c.Dimensions).Sum(j => Derivative(c.Exact, x, j, D2, 2)),
            PdeKind.AllenCahn => Enumerable.Range(0, c.Dimensions).Sum(j => Derivative(c.Exact, x, j, D2, 2)) + u * (u * u - 1),
            PdeKind.Advection => c.AdvectionSpeed * Derivative(c.Exact, x, 0, D1, 1) + Derivative(c.Exact, x, 1, D1, 1),
            _ => throw new AssertionException($"unknown kind {c.Kind}"),
        };
    }

    // Tolerance: |f_fd − f| ≤ 1e−6·(1 + max |f| over the sampled points). Truncation of the 6th-order stencil at
    // h·ω ≤ 500/8192 ≈ 0.06 is ≈ (hω)⁶/560·ω² ≈ 1e−10 relative; round-off ≈ 1e−16·|u|/h² ≈ 1e−8 absolute.
    [TestCaseSource(nameof(Cases))]
    public void Source_IsTheOperatorOfTheExactSolution(string number)
    {
        var c = GpHmCases.Get(number);
        var rng = new Random(20_240_411 + number.Sum(ch => ch));
        var points = new List<double[]>();
        for (int i = 0; i < 20; i++)
            points.Add([.. c.Lengths.Select(l => Math.Round((0.05 + 0.9 * rng.NextDouble()) * l * 1024) / 1024)]);
        double scale = 1 + points.Max(p => Math.Abs(c.Source(p)));
        foreach (var p in points)
        {
            double fd = Operator(c, p), f = c.Source(p);
            Assert.That(Math.Abs(fd - f), Is.LessThanOrEqualTo(1e-6 * scale),
                $"case {c.Number} at ({string.Join(", ", p)}): finite difference {fd:R}, closed form {f:R}");
        }
    }

    // Exact checks: the grid is the reference one, f is the closed form sampled at the nodes, boundary data = exact.
    [TestCaseSource(nameof(Cases))]
    public void Problem_BuildsAtTheReferenceGrid(string number)
    {
        var c = GpHmCases.Get(number);
        var p = c.CreateProblem();
        Assert.That(p.Points, Is.EqualTo(c.Points));
        Assert.That(p.Lengths, Is.EqualTo(c.Lengths));
        Assert.That(p.Kind, Is.EqualTo(c.Kind));
        Assert.That(p.NodeCount, Is.EqualTo(c.Points.Aggregate(1, (a, b) => a * b)));
        Assert.That(p.ExactSolution, Is.Not.Null);
        Assert.That(p.AdvectionSpeed, Is.EqualTo(c.Kind == PdeKind.Advection ? c.AdvectionSpeed : 0));
        int m2 = p.Dimensions == 2 ? p.Points[1] : 1;
        double[] Node(int n) => p.Dimensions == 1 ? [p.GridCoordinate(0, n)] : [p.GridCoordinate(0, n / m2), p.GridCoordinate(1, n % m2)];
        foreach (int n in p.BoundaryNodes())
            Assert.That(p.BoundaryValues[n], Is.EqualTo(c.Exact(Node(n))), $"boundary node {n}");
        Assert.That(p.BoundaryNodes().Count(), Is.EqualTo(p.Dimensions == 1 ? 2 : 2 * p.Points[0] + 2 * p.Points[1]));
        for (int n = 0; n < p.NodeCount; n += Math.Max(1, p.NodeCount / 97))
            Assert.That(p.Source[n], Is.EqualTo(c.Source(Node(n))), $"source at node {n}");
        if (p.Dimensions == 2)
        {
            // the last node is (L_1, L_2) exactly
            Assert.That(Node(p.NodeCount - 1), Is.EqualTo(c.Lengths.ToArray()));
        }
    }

    [TestCaseSource(nameof(Cases))]
    public void Options_CarryTheCaseConfiguration(string number)
    {
        var c = GpHmCases.Get(number);
        var o = c.CreateOptions(7, SpectralKernelKind.GaussianMixture);
        Assert.That(o.Steps, Is.EqualTo(7));
        Assert.That(o.Kernel, Is.EqualTo(SpectralKernelKind.GaussianMixture));
        Assert.That(o.FrequencyScale, Is.EqualTo(new[] { c.FrequencyScale }));
        Assert.That(o.EffectiveBoundaryWeight(c.Kind), Is.EqualTo(c.Kind == PdeKind.Advection ? 500 : 200));
        Assert.That(o.ExtraGp?.ChangePointFraction, Is.EqualTo(c.ExtraGpChangePoint));
        Assert.DoesNotThrow(() => o.Validate(c.Dimensions));
    }

    [Test]
    public void Catalogue_MatchesTheSpecTable()
    {
        Assert.That(GpHmCases.All.Select(c => c.Number),
            Is.EqualTo(new[] { "1", "2", "2-cos", "3", "4", "5", "6", "7", "8", "9", "9-sin", "10", "11" }));
        Assert.That(GpHmCases.All.Select(c => c.Name).Distinct().Count(), Is.EqualTo(GpHmCases.All.Count));
        Assert.That(GpHmCases.Get("2").ExtraGpChangePoint, Is.EqualTo(0.5));
        Assert.That(GpHmCases.Get("5").ExtraGpChangePoint, Is.EqualTo(0.01));
        Assert.That(GpHmCases.All.Count(c => c.ExtraGpChangePoint is not null), Is.EqualTo(3)); // 2, 2-cos, 5
        var adv = GpHmCases.Get("11");
        Assert.That((adv.AdvectionSpeed, adv.BoundaryWeight, adv.FrequencyScale), Is.EqualTo((200.0, 500.0, 40.0)));
        Assert.That(adv.Source([0.3, 0.7]), Is.Zero);
        Assert.That(GpHmCases.Get("9").FrequencyScale, Is.EqualTo(20));
        Assert.That(GpHmCases.Get("8").Points, Is.EqualTo(new[] { 400, 400 }));
        // True frequencies (spec §4.2), 3 decimals.
        Assert.That(GpHmCases.Get("1").TrueFrequencies[0], Is.EqualTo(15.915).Within(5e-4));
        Assert.That(GpHmCases.Get("3").TrueFrequencies, Is.EqualTo(new[] { 16.870, 14.961 }).Within(5e-4));
        Assert.That(GpHmCases.Get("9").TrueFrequencies, Is.EqualTo(new[] { 4.138, 2.228 }).Within(5e-4));
        Assert.That(GpHmCases.Get("11").TrueFrequencies[0], Is.EqualTo(31.83).Within(5e-3));
    }

    [Test]
    public void Get_AcceptsNumberAndName()
    {
        foreach (var c in GpHmCases.All)
        {
            Assert.That(GpHmCases.Get(c.Number), Is.SameAs(c));
            Assert.That(GpHmCases.Get(c.Name), Is.SameAs(c));
            Assert.That(GpHmCases.Get(c.Name.ToUpperInvariant()), Is.SameAs(c));
        }

        Assert.That(GpHmCases.Get("2-cos").Name, Is.EqualTo("poisson1d-multiscale-cos"));
        Assert.That(GpHmCases.Get(" 9-sin ").Name, Is.EqualTo("poisson2d-sin6sin20"));
    }

    [TestCase("12")]
    [TestCase("poisson1d")]
    [TestCase("")]
    public void Get_Unknown_ThrowsListingTheValidNames(string name)
    {
        var e = Assert.Throws<ArgumentException>(() => GpHmCases.Get(name))!;
        Assert.That(e.Message, Does.Contain("poisson1d-sin100").And.Contain("advection2d-sin200").And.Contain("2-cos"));
    }

    [Test]
    public void CreateProblem_WithOtherGrid_AndWrongDimensionCount()
    {
        var p = GpHmCases.Get("9").CreateProblem([20, 30]);
        Assert.That(p.Points, Is.EqualTo(new[] { 20, 30 }));
        Assert.Throws<ArgumentException>(() => GpHmCases.Get("1").CreateProblem([20, 30]));
        Assert.Throws<ArgumentException>(() => GpHmCases.Get("1").CreateProblem([2]));
    }

    // The README's GP-HM example, verbatim apart from the step count (20 instead of 10 000) and the output lines.
    // Tolerance: after 20 steps the test error has fallen below its step-0 value 0.9872 (spec §4.4) and stays below 1.
    [Test]
    public void ReadmeExample_Runs()
    {
        var c = GpHmCases.Get("poisson1d-sin100");                          // u = sin(100x) on [0, 2π], 400 points
        var result = new GpHmSolver().Solve(c.CreateProblem(), c.CreateOptions(steps: 20));
        var top = result.Kernels[0].ByWeight().Take(3).ToList();
        double u = result.Interpolant.Evaluate([1.0]);                      // ũ anywhere, derivatives too
        Assert.That(result.Summary.Reason, Is.EqualTo(ConvergenceReason.CompletedIterationBudget));
        Assert.That(result.FinalTestError, Is.LessThan(0.9872));
        Assert.That(result.MinTestError, Is.LessThan(1));
        Assert.That(top, Has.Count.EqualTo(3));
        Assert.That(double.IsFinite(u), Is.True);
    }
    // The README's "your own problem" example with 40 steps instead of 5000 (the logger is omitted).
    // Tolerance: the loss falls over the run and the test error falls below its step-0 checkpoint value.
    [Test]
    public void ReadmeOwnProblemExample_Runs()
    {
        static double U(ReadOnlySpan<double> p) => Math.Sin(20 * p[0]) * Math.Cos(15 * p[1]);
        var problem = TensorGridPde.FromFunctions(PdeKind.Poisson, lengths: [2 * Math.PI, 2 * Math.PI], points: [200, 200],
            source: p => -(400 + 225) * U(p), boundary: U, exactSolution: U);
        var options = new GpHmOptions { Steps = 40, FrequencyScale = [20], LogEvery = 500, RecordHistory = true };
        var r = new GpHmSolver().Solve(problem, options, new SolverHooks());
        Assert.That(r.Summary.Reason, Is.EqualTo(ConvergenceReason.CompletedIterationBudget));
        Assert.That(r.LossHistory, Has.Count.EqualTo(40));
        Assert.That(r.LossHistory[^1], Is.LessThan(r.LossHistory[0]));
        Assert.That(r.FinalTestError, Is.LessThan(r.Checkpoints[0].TestError));
        Assert.That(r.Values.All(double.IsFinite), Is.True);
    }
}
