using System.Diagnostics;
using System.Globalization;
using System.Text;
using Solvers.Cli.Infrastructure;
using Solvers.Krylov;
using Solvers.Pde;
using Solvers.Relaxation;

namespace Solvers.Cli.Commands;

/// <summary>Options of <c>solvers bench sor-bandit</c> and <c>solvers bench heat</c>.</summary>
/// <param name="Count">Instances per trial (sor-bandit, T = 5000) or time steps (heat).</param>
/// <param name="Trials">Trials per distribution (sor-bandit, 4) or per heat run (1).</param>
/// <param name="Nx">heat: grid intervals per axis (50).</param>
/// <param name="Markdown">Also write the report here.</param>
/// <param name="TimeBudgetSeconds">heat: stop stepping when the run exceeds this wall time (the report says at which T).</param>
public sealed record SorBanditBenchOptions(int Count, int Trials, int Nx, string? Markdown, double TimeBudgetSeconds);

/// <summary>
/// The "Learning to Relax" benchmarks (spec sor-bandit §4.1, §5.2): the shifted-Laplacian SOR experiment and the
/// heat-equation SSOR-PCG sequence. Every policy and comparator sees the same instances (§2.8); instance and learner
/// streams are seeded separately and fixed, so a rerun gives the same iteration counts.
/// </summary>
public static class SorBanditBench
{
    private static readonly double[] Grid = ArmGrid.CameraReady();
    private static readonly string[] Policies = ["Tsallis-INF", "Tsallis-INF-CB", "ChebCB", "ChebCB (Lipschitz min 0)", "Tsallis-INF first upload (η = 1/√T, 21 arms on [1, 1.9])"];

    private sealed class TrialResult
    {
        public double[] PolicyTotal { get; } = new double[Policies.Length];
        public double[] PolicySecondHalf { get; } = new double[Policies.Length];
        public double[] PolicyAt500 { get; } = new double[Policies.Length];
        public double[] ArmTotal { get; } = new double[Grid.Length];
        public double[] ArmSecondHalf { get; } = new double[Grid.Length];
        public double[] ArmAt500 { get; } = new double[Grid.Length];
        public double GridOracle { get; set; }
        public double Young { get; set; }
        public int Capped { get; set; }
        public double Seconds { get; set; }
    }

    /// <summary>Runs the SOR experiment and prints (and optionally writes) the Markdown report. Exit 0 when every §5.2 row passes.</summary>
    public static int RunSor(SorBanditBenchOptions o)
    {
        if (o.Count < 2) throw new ArgumentException($"--count must be ≥ 2 (got {o.Count}).");
        if (o.Trials < 1) throw new ArgumentException($"--trials must be ≥ 1 (got {o.Trials}).");
        var dists = new[] { ShiftDistribution.High, ShiftDistribution.Low };
        var results = new TrialResult[dists.Length, o.Trials];
        var wall = Stopwatch.StartNew();
        Parallel.For(0, dists.Length * o.Trials, new ParallelOptions { MaxDegreeOfParallelism = Environment.ProcessorCount }, job =>
        {
            int d = job / o.Trials, k = job % o.Trials;
            results[d, k] = RunTrial(dists[d], k, o.Count);
            Console.Error.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"  {dists[d].ToString().ToLowerInvariant()} trial {k + 1}: {results[d, k].Seconds:F1} s, Tsallis-INF {results[d, k].PolicyTotal[0]:0}, ChebCB {results[d, k].PolicyTotal[2]:0}"));
        });
        wall.Stop();

        var md = new StringBuilder();
        var ci = CultureInfo.InvariantCulture;
        md.AppendLine(ci, $"Settings: shifted 10×10 Laplacian (n = 100), T = {o.Count}, {o.Trials} trials per distribution, ε = 1e−8 (‖r‖/‖r₀‖, strict), cap 10 000, x₀ = 0, arms linspace(1, 1.95, 20); instance seeds 1000 + 100·dist + trial, learner seeds separate. Wall time {wall.Elapsed.TotalSeconds:F0} s on {Environment.ProcessorCount} threads (trials in parallel).");
        md.AppendLine();
        bool allPass = true;
        for (int d = 0; d < dists.Length; d++)
        {
            var rs = Enumerable.Range(0, o.Trials).Select(k => results[d, k]).ToArray();
            bool high = dists[d] == ShiftDistribution.High;
            string name = high ? "high variance (Beta(0.5, 1.5))" : "low variance (Beta(2, 6))";
            double[] armMean = [.. Enumerable.Range(0, Grid.Length).Select(i => rs.Average(r => r.ArmTotal[i]))];
            int best = Array.IndexOf(armMean, armMean.Min());
            double bestTotal = armMean[best];
            double[] armHalfMean = [.. Enumerable.Range(0, Grid.Length).Select(i => rs.Average(r => r.ArmSecondHalf[i]))];
            double bestHalf = armHalfMean.Min();
            double[] armAt500 = [.. Enumerable.Range(0, Grid.Length).Select(i => rs.Average(r => r.ArmAt500[i]))];
            double PolicyMean(int p) => rs.Average(r => r.PolicyTotal[p]);
            double Sd(Func<TrialResult, double> f)
            {
                double m = rs.Average(f);
                return rs.Length > 1 ? Math.Sqrt(rs.Sum(r => (f(r) - m) * (f(r) - m)) / (rs.Length - 1)) : 0;
            }

            md.AppendLine(ci, $"### {name}");
            md.AppendLine();
            md.AppendLine("| policy | total iterations, mean (sd) | per instance |");
            md.AppendLine("|---|---|---|");
            void Row(string label, Func<TrialResult, double> f)
            {
                double m = rs.Average(f);
                md.AppendLine(ci, $"| {label} | {m:N0} ({Sd(f):N0}) | {m / o.Count:F1} |");
            }

            foreach (double w in new[] { 1.0, 1.2, 1.4, 1.6, 1.8 })
            {
                int i = ArmIndex(w);
                Row(string.Create(ci, $"ω = {w:0.0}"), r => r.ArmTotal[i]);
            }

            Row(string.Create(ci, $"best fixed grid ω in hindsight (ω = {Grid[best]:0.00})"), r => r.ArmTotal[best]);
            for (int p = 0; p < Policies.Length; p++)
            {
                int pp = p;
                Row(p < 3 ? $"**{Policies[p]}**" : Policies[p], r => r.PolicyTotal[pp]);
            }

            Row("instance-optimal (grid oracle)", r => r.GridOracle);
            Row("instance-optimal (Young ω*)", r => r.Young);
            md.AppendLine();

            int one = ArmIndex(1.0), onefour = ArmIndex(1.4);
            double ts = PolicyMean(0), cb = PolicyMean(1), cheb = PolicyMean(2), young = rs.Average(r => r.Young), oracle = rs.Average(r => r.GridOracle);
            double tsHalf = rs.Average(r => r.PolicySecondHalf[0]);
            var rows = new List<(string Criterion, double Value, string Threshold, bool Pass)>
            {
                ("Tsallis-INF total / best fixed", ts / bestTotal, "≤ 1.25", ts / bestTotal <= 1.25),
                ("Tsallis-INF second half / best fixed on the same instances", tsHalf / bestHalf, "≤ 1.12", tsHalf / bestHalf <= 1.12),
                ("Tsallis-INF total / ω = 1.0", ts / armMean[one], high ? "≤ 0.30" : "≤ 0.35", ts / armMean[one] <= (high ? 0.30 : 0.35)),
                ("Tsallis-INF total / ω = 1.4", ts / armMean[onefour], high ? "≤ 0.55" : "≤ 0.70", ts / armMean[onefour] <= (high ? 0.55 : 0.70)),
                ("Tsallis-INF-CB total / best fixed", cb / bestTotal, "≤ 1.15", cb / bestTotal <= 1.15),
                ("ChebCB total / best fixed", cheb / bestTotal, high ? "≤ 0.75" : "≤ 0.85", cheb / bestTotal <= (high ? 0.75 : 0.85)),
                ("ChebCB total / instance-optimal (Young ω*)", cheb / young, high ? "≤ 1.30" : "≤ 1.25", cheb / young <= (high ? 1.30 : 1.25)),
                ("best fixed grid ω in hindsight", Grid[best], high ? "= 1.80" : "∈ [1.60, 1.70]",
                    high ? Math.Abs(Grid[best] - 1.80) < 1e-9 : Grid[best] >= 1.60 - 1e-9 && Grid[best] <= 1.70 + 1e-9),
            };
            md.AppendLine("| §5.2 criterion (means over trials) | value | threshold | result |");
            md.AppendLine("|---|---|---|---|");
            foreach (var (c, v, t, pass) in rows)
            {
                md.AppendLine(ci, $"| {c} | {v:F3} | {t} | {(pass ? "PASS" : "**FAIL**")} |");
                allPass &= pass;
            }

            md.AppendLine();
            md.AppendLine("Recorded without threshold:");
            md.AppendLine();
            md.AppendLine(ci, $"- ChebCB (Lipschitz min 0) / best fixed: {PolicyMean(3) / bestTotal:F3} (default ObservedMinimum: {cheb / bestTotal:F3}); first-upload Tsallis-INF / best fixed: {PolicyMean(4) / bestTotal:F3}");
            md.AppendLine(ci, $"- against the grid oracle: Tsallis-INF {ts / oracle:F3}, Tsallis-INF-CB {cb / oracle:F3}, ChebCB {cheb / oracle:F3}; Young / grid oracle {young / oracle:F3}");
            md.AppendLine(ci, $"- ChebCB second half / best fixed on the same instances: {rs.Average(r => r.PolicySecondHalf[2]) / bestHalf:F3}");
            md.AppendLine(ci, $"- at t = 500: Tsallis-INF / best fixed (ω = {Grid[best]:0.00}) {rs.Average(r => r.PolicyAt500[0]) / armAt500[best]:F2}, Tsallis-INF / ω = 1 {rs.Average(r => r.PolicyAt500[0]) / armAt500[one]:F2}, ChebCB / best fixed {rs.Average(r => r.PolicyAt500[2]) / armAt500[best]:F2}");
            md.AppendLine(ci, $"- per-trial Tsallis-INF / best fixed: {string.Join(", ", rs.Select(r => (r.PolicyTotal[0] / r.ArmTotal[best]).ToString("F3", ci)))}; ChebCB / best fixed: {string.Join(", ", rs.Select(r => (r.PolicyTotal[2] / r.ArmTotal[best]).ToString("F3", ci)))}");
            md.AppendLine(ci, $"- capped solves (charged 10 000): {rs.Sum(r => r.Capped)}; CPU per instance (all {Policies.Length} policies, 20 grid arms, Young): {rs.Average(r => r.Seconds) / o.Count * 1e3:F2} ms");
            md.AppendLine();
        }

        md.AppendLine(ci, $"Overall: {(allPass ? "PASS" : "FAIL")} (every §5.2 row, both distributions).");
        Emit(md, o.Markdown);
        return allPass ? ExitCodes.Success : ExitCodes.NotConverged;
    }

    private static int ArmIndex(double w)
    {
        for (int i = 0; i < Grid.Length; i++) if (Math.Abs(Grid[i] - w) < 1e-9) return i;
        throw new InvalidOperationException($"ω = {w} is not on the grid.");
    }

    private static TrialResult RunTrial(ShiftDistribution dist, int trial, int count)
    {
        var t0 = Stopwatch.StartNew();
        ulong instanceSeed = 1000UL + (dist == ShiftDistribution.High ? 0UL : 100UL) + (ulong)trial;
        ulong learnerSeed = 77_000UL + instanceSeed * 16;
        var options = BanditSor.SpecInnerOptions;
        var bandits = new BanditSor[]
        {
            new(RelaxationPolicies.Create("tsallis-inf", 1, learnerSeed + 1), RelaxationMethod.Sor, options),
            new(RelaxationPolicies.Create("tsallis-inf-cb", 1, learnerSeed + 2), RelaxationMethod.Sor, options),
            new(RelaxationPolicies.Create("chebcb", 1, learnerSeed + 3), RelaxationMethod.Sor, options),
            new(RelaxationPolicies.Create("chebcb-zero", 1, learnerSeed + 4), RelaxationMethod.Sor, options),
            new(RelaxationPolicies.CreateFirstUpload(count, learnerSeed + 5), RelaxationMethod.Sor, options),
        };
        var sor = new SuccessiveOverRelaxation();
        var res = new TrialResult();
        var x = new double[100];
        int half = count / 2;
        foreach (var inst in SorSequences.ShiftedLaplacianSequence(dist, count, instanceSeed))
        {
            bool second = inst.Index >= half;
            bool early = inst.Index < 500;
            for (int p = 0; p < bandits.Length; p++)
            {
                Array.Clear(x);
                var r = bandits[p].Solve(inst.A, inst.B, x, inst.Shift);
                if (r.Capped) res.Capped++;
                res.PolicyTotal[p] += r.Cost;
                if (second) res.PolicySecondHalf[p] += r.Cost;
                if (early) res.PolicyAt500[p] += r.Cost;
            }

            double min = double.PositiveInfinity;
            for (int i = 0; i < Grid.Length; i++)
            {
                double c = SolveCost(sor, inst, Grid[i], x, options, res);
                res.ArmTotal[i] += c;
                if (second) res.ArmSecondHalf[i] += c;
                if (early) res.ArmAt500[i] += c;
                min = Math.Min(min, c);
            }

            res.GridOracle += min;
            res.Young += SolveCost(sor, inst, SorSequences.YoungOmega(inst.Shift), x, options, res);
        }

        res.Seconds = t0.Elapsed.TotalSeconds;
        return res;
    }

    private static double SolveCost(SuccessiveOverRelaxation sor, ShiftedLaplacianInstance inst, double omega, double[] x, SolverOptions options, TrialResult res)
    {
        Array.Clear(x);
        sor.Omega = omega;
        var r = sor.Solve(inst.A, inst.B, x, options);
        if (!r.Converged) res.Capped++;
        return BanditSor.CostOf(r, options.MaxIterations);
    }

    private static void Emit(StringBuilder md, string? path)
    {
        Console.Out.Write(md.ToString());
        if (path is not null) File.WriteAllText(path, md.ToString());
    }

    // ------------------------------------------------------------------ heat

    /// <summary>
    /// The heat-equation sequence (§2.9(b), §5.2 optional row; the issue's threshold): SSOR-PCG with the learners
    /// (context κ(t) on [0, 10]) against fixed ω ∈ {1, 1.3, 1.5, 1.75, 1.95} and plain CG, all warm-started at the same u.
    /// Pass: the best learner (fewest total iterations) within 1.15× the best fixed ω and below plain CG's wall time.
    /// </summary>
    public static int RunHeat(SorBanditBenchOptions o)
    {
        if (o.Nx < 2) throw new ArgumentException($"--nx must be ≥ 2 (got {o.Nx}).");
        if (o.Count < 1) throw new ArgumentException($"--count must be ≥ 1 (got {o.Count}).");
        var ci = CultureInfo.InvariantCulture;
        var options = BanditSor.SpecInnerOptions;
        ulong seed = 4242;
        var learners = new (string Name, BanditSor Bandit)[]
        {
            ("Tsallis-INF", new BanditSor(new TsallisInf(new TsallisInfOptions { Seed = seed + 1 }), RelaxationMethod.SsorPcg, options)),
            ("Tsallis-INF-CB", new BanditSor(new BinnedTsallisInf(new BinnedTsallisInfOptions { Seed = seed + 2, ContextMin = 0, ContextMax = 10 }), RelaxationMethod.SsorPcg, options)),
            ("ChebCB", new BanditSor(new ChebCb(new ChebCbOptions { Seed = seed + 3, ContextMin = 0, ContextMax = 10 }), RelaxationMethod.SsorPcg, options)),
        };
        double[] fixedOmegas = [1, 1.3, 1.5, 1.75, 1.95];
        var fixedSolvers = fixedOmegas.Select(_ => RelaxationSolvers.Create(RelaxationMethod.SsorPcg)).ToArray();
        int methods = learners.Length + fixedOmegas.Length + 1;
        var iters = new long[methods];
        var seconds = new double[methods];
        var capped = new int[methods];
        var cg = new ConjugateGradient();
        int n = (o.Nx - 1) * (o.Nx - 1);
        var x = new double[n];
        var wall = Stopwatch.StartNew();
        int steps = 0;
        foreach (var inst in SorSequences.HeatSequence(o.Nx, o.Count))
        {
            int m = 0;
            foreach (var (_, bandit) in learners)
            {
                inst.X0.CopyTo(x, 0);
                long t = Stopwatch.GetTimestamp();
                var r = bandit.Solve(inst.A, inst.B, x, inst.Kappa);
                seconds[m] += Stopwatch.GetElapsedTime(t).TotalSeconds;
                iters[m] += r.Inner.Iterations;
                if (r.Capped) capped[m]++;
                m++;
            }

            for (int i = 0; i < fixedOmegas.Length; i++, m++)
            {
                inst.X0.CopyTo(x, 0);
                long t = Stopwatch.GetTimestamp();
                var r = fixedSolvers[i].Solve(inst.A, inst.B, x, fixedOmegas[i], options, default);
                seconds[m] += Stopwatch.GetElapsedTime(t).TotalSeconds;
                iters[m] += r.Iterations;
                if (!r.Converged) capped[m]++;
            }

            {
                inst.X0.CopyTo(x, 0);
                long t = Stopwatch.GetTimestamp();
                var r = cg.Solve(inst.A, inst.B, x, options);
                seconds[m] += Stopwatch.GetElapsedTime(t).TotalSeconds;
                iters[m] += r.Iterations;
                if (!r.Converged) capped[m]++;
            }

            steps++;
            if (steps % 500 == 0) Console.Error.WriteLine(string.Create(ci, $"  step {steps}: {wall.Elapsed.TotalSeconds:F0} s"));
            if (wall.Elapsed.TotalSeconds > o.TimeBudgetSeconds) break;
        }

        wall.Stop();
        string[] names = [.. learners.Select(l => l.Name), .. fixedOmegas.Select(w => string.Create(ci, $"SSOR-PCG ω = {w}")), "plain CG"];
        int cgIndex = methods - 1;
        var md = new StringBuilder();
        md.AppendLine(ci, $"Settings: 2-D heat, Crank–Nicolson, nx = {o.Nx} (n = {n}), dt = 1e−3, T = {steps}{(steps < o.Count ? string.Create(ci, $" (stopped at the {o.TimeBudgetSeconds:F0} s budget; {o.Count} requested)") : "")}, SSOR-PCG rtol 1e−8 (‖r‖ ≤ tol·‖b‖), cap 10 000, warm start at the shared trajectory u; learners on linspace(1, 1.95, 20), context κ(t) on [0, 10]; 1 trial. Wall {wall.Elapsed.TotalSeconds:F0} s (including the trajectory's own CG solves).");
        md.AppendLine();
        md.AppendLine("| method | total iterations | per step | wall s | wall ÷ plain CG | not converged |");
        md.AppendLine("|---|---|---|---|---|---|");
        for (int i = 0; i < methods; i++)
            md.AppendLine(ci, $"| {names[i]} | {iters[i]:N0} | {(double)iters[i] / Math.Max(steps, 1):F2} | {seconds[i]:F2} | {seconds[i] / seconds[cgIndex]:F2} | {capped[i]} |");
        md.AppendLine();
        int bestLearner = Enumerable.Range(0, learners.Length).MinBy(i => iters[i]);
        int bestFixed = Enumerable.Range(learners.Length, fixedOmegas.Length).MinBy(i => iters[i]);
        double ratio = (double)iters[bestLearner] / iters[bestFixed];
        bool pass1 = ratio <= 1.15, pass2 = seconds[bestLearner] < seconds[cgIndex];
        md.AppendLine("| issue criterion | value | threshold | result |");
        md.AppendLine("|---|---|---|---|");
        md.AppendLine(ci, $"| best learner ({names[bestLearner]}) iterations / best fixed ω ({names[bestFixed]}) | {ratio:F3} | ≤ 1.15 | {(pass1 ? "PASS" : "**FAIL**")} |");
        md.AppendLine(ci, $"| best learner wall / plain CG wall | {seconds[bestLearner] / seconds[cgIndex]:F3} | < 1 | {(pass2 ? "PASS" : "**FAIL**")} |");
        md.AppendLine();
        var cheb = learners[2].Bandit.Statistics;
        md.AppendLine(ci, $"ChebCB pulls by ω: {string.Join(", ", Enumerable.Range(0, cheb.Arms.Count).Where(i => cheb.Pulls[i] > 0).Select(i => string.Create(ci, $"{cheb.Arms[i]:0.00}×{cheb.Pulls[i]}")))}");
        md.AppendLine();
        md.AppendLine(ci, $"Overall: {(pass1 && pass2 ? "PASS" : "FAIL")}.");
        Emit(md, o.Markdown);
        return pass1 && pass2 ? ExitCodes.Success : ExitCodes.NotConverged;
    }
}
