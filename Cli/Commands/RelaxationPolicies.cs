using Solvers.Relaxation;

namespace Solvers.Cli.Commands;

/// <summary>The CLI's names for relaxation policies (<c>--tune</c>) and how they are built (spec sor-bandit §3.3 defaults).</summary>
public static class RelaxationPolicies
{
    /// <summary>Valid <c>--tune</c> values.</summary>
    public static IReadOnlyList<string> Names { get; } = ["none", "tsallis-inf", "tsallis-inf-cb", "chebcb"];

    /// <summary>
    /// Creates a policy: "none" plays <paramref name="omega"/> always; the learners use the camera-ready 20-arm grid
    /// linspace(1, 1.95, 20) and the given seed (their own stream, separate from the instances').
    /// </summary>
    public static IRelaxationPolicy Create(string name, double omega, ulong seed) => name switch
    {
        "none" => new FixedArmPolicy(omega),
        "tsallis-inf" => new TsallisInf(new TsallisInfOptions { Seed = seed }),
        "tsallis-inf-cb" => new BinnedTsallisInf(new BinnedTsallisInfOptions { Seed = seed }),
        "chebcb" => new ChebCb(new ChebCbOptions { Seed = seed }),
        "chebcb-zero" => new ChebCb(new ChebCbOptions { Seed = seed, LipschitzMinimum = LipschitzMinimum.Zero }),
        _ => throw new ArgumentException($"Unknown --tune '{name}'; valid: {string.Join(", ", Names)}."),
    };

    /// <summary>The first-upload Tsallis-INF: fixed horizon T (η = 1/√T, losses (k − 1)/100), ⌊(2T)^{1/3}⌋ arms on [1, 1.9].</summary>
    public static IRelaxationPolicy CreateFirstUpload(int horizon, ulong seed)
    {
        int d = (int)Math.Floor(Math.Cbrt(2.0 * horizon) + 1e-9);
        return new TsallisInf(new TsallisInfOptions
        {
            Seed = seed,
            Variant = TsallisInfVariant.FixedHorizon,
            Horizon = horizon,
            Arms = ArmGrid.Linspace(1, 1.9, Math.Max(d, 2)),
        });
    }
}
