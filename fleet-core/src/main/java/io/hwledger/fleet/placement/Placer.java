package io.hwledger.fleet.placement;

import io.hwledger.fleet.placement.Reason.Rule;
import io.hwledger.fleet.protocol.JobSpec;
import io.hwledger.fleet.protocol.ModelFile;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.BiFunction;
import org.jspecify.annotations.Nullable;

/**
 * Decides where a job runs (FLEET.md §2). A GPU can take a job's claim when its agent is ready, it
 * is healthy, the job's plan fits the engine's budget on it, the claim is at most its allocatable
 * memory (total − Σ claims − reserve), and its latest measured free memory is fresh and at least
 * the claim, so memory other processes use counts. Missing or stale measurements and failed health
 * queries refuse the GPU: placement fails closed. A job with tensor parallelism N needs N such GPUs
 * of one vendor and product on one agent.
 *
 * <p>Among the feasible GPU sets, {@link Policy#BINPACK} takes the one leaving the least
 * allocatable memory after placement (Σ over its GPUs of allocatable − claim), {@link
 * Policy#SPREAD} the most; ties go to the smallest agent id, then the smallest GPU indexes. A job
 * that fits nowhere is refused with the reasons of every GPU.
 *
 * <p>Immutable and thread-safe; the caller passes the time, so decisions are reproducible.
 */
public final class Placer {
  /** The default freshness limit of measurements: 60 s, four 15 s telemetry intervals. */
  public static final Duration DEFAULT_FRESHNESS = Duration.ofSeconds(60);

  private final Duration freshness;

  private Placer(Duration freshness) {
    this.freshness = freshness;
  }

  /**
   * A placer that trusts measurements at most {@code freshness} old.
   *
   * @param freshness the largest age of a usable measurement, positive; a measurement dated more
   *     than this ahead of the decision's time is not trusted either
   * @return the placer
   * @throws IllegalArgumentException if {@code freshness} is not positive
   */
  public static Placer withFreshness(Duration freshness) {
    Objects.requireNonNull(freshness, "freshness");
    if (freshness.isNegative() || freshness.isZero()) {
      throw new IllegalArgumentException("freshness must be positive, was " + freshness);
    }
    return new Placer(freshness);
  }

  /**
   * The freshness limit.
   *
   * @return the largest age of a usable measurement
   */
  public Duration freshness() {
    return freshness;
  }

  /**
   * Places {@code spec} with its own tensor parallelism and policy, planned by {@code planner}.
   *
   * @param spec the job
   * @param planner plans the job for each GPU kind (cached)
   * @param agents the fleet's agents
   * @param now the decision's time, on the clock that stamped the measurements
   * @return a placement, or a refusal with every GPU's reasons
   * @throws IllegalArgumentException when the job cannot be planned ({@link JobPlanner#plan})
   */
  public Decision place(JobSpec spec, JobPlanner planner, List<AgentState> agents, Instant now) {
    Objects.requireNonNull(spec, "spec");
    Objects.requireNonNull(planner, "planner");
    Objects.requireNonNull(agents, "agents");
    String path = spec.modelFile();
    if (path == null) {
      return place(
          spec.tensorParallel(),
          Policy.of(spec.policy()),
          (agent, kind) -> planner.plan(spec, kind),
          agents,
          now);
    }
    // A model file is planned as each agent read it, and only agents holding it readable are
    // candidates; every GPU of the others is refused with the reason.
    List<AgentState> holding = new ArrayList<>();
    List<Reason> without = new ArrayList<>();
    for (AgentState agent : agents) {
      Optional<ModelFile> file = agent.model(path);
      if (file.isPresent() && file.get().error() == null) {
        holding.add(agent);
        continue;
      }
      String why =
          file.map(f -> "cannot read model file " + path + ": " + f.error())
              .orElse("reports no model file " + path);
      for (GpuState gpu : agent.gpus()) {
        String where =
            "agent " + agent.agentId() + " GPU " + gpu.index() + " (" + gpu.productName() + "): ";
        without.add(reason(agent, gpu, Rule.NO_MODEL_FILE, 0, where + "the agent " + why));
      }
    }
    Decision decision =
        place(
            spec.tensorParallel(),
            Policy.of(spec.policy()),
            (agent, kind) -> planner.plan(spec, kind, agent.model(path).orElseThrow()),
            holding,
            now);
    if (decision instanceof Refusal refusal && !without.isEmpty()) {
      List<Reason> reasons = new ArrayList<>(refusal.reasons());
      reasons.addAll(without);
      reasons.sort(Comparator.comparing(Reason::agentId).thenComparingInt(Reason::index));
      return new Refusal(reasons);
    }
    return decision;
  }

  /**
   * Places a job whose plan for each GPU kind {@code plans} gives.
   *
   * @param tensorParallel GPUs of one agent the job needs, at least 1
   * @param policy how to choose among feasible GPU sets
   * @param plans the job's plan on an agent's GPU kind; asked once per kind and agent at most
   * @param agents the fleet's agents
   * @param now the decision's time, on the clock that stamped the measurements
   * @return a placement, or a refusal with every GPU's reasons
   * @throws IllegalArgumentException if {@code tensorParallel} is not positive, or as {@code plans}
   *     throws
   */
  public Decision place(
      int tensorParallel,
      Policy policy,
      BiFunction<AgentState, GpuKind, JobPlan> plans,
      List<AgentState> agents,
      Instant now) {
    if (tensorParallel < 1) {
      throw new IllegalArgumentException("tensorParallel must be positive, was " + tensorParallel);
    }
    Objects.requireNonNull(policy, "policy");
    Objects.requireNonNull(plans, "plans");
    Objects.requireNonNull(now, "now");
    List<AgentState> sorted = new ArrayList<>(agents);
    sorted.sort(Comparator.comparing(AgentState::agentId));
    List<Reason> reasons = new ArrayList<>();
    @Nullable Candidate best = null;
    for (AgentState agent : sorted) {
      List<GpuState> gpus = new ArrayList<>(agent.gpus());
      gpus.sort(Comparator.comparingInt(GpuState::index));
      Map<GpuKind, JobPlan> agentPlans = new LinkedHashMap<>();
      // TP stays on GPUs of one vendor and product; groups in order of their first index
      Map<String, List<GpuState>> groups = new LinkedHashMap<>();
      for (GpuState gpu : gpus) {
        groups
            .computeIfAbsent(gpu.vendor() + "\u0000" + gpu.productName(), k -> new ArrayList<>())
            .add(gpu);
      }
      for (List<GpuState> group : groups.values()) {
        List<Usable> usable = new ArrayList<>();
        for (GpuState gpu : group) {
          @Nullable JobPlan plan =
              gpu.totalBytes() == 0
                  ? null
                  : agentPlans.computeIfAbsent(gpu.kind(), kind -> plans.apply(agent, kind));
          List<Reason> failed = check(agent, gpu, plan, now);
          if (failed.isEmpty()) {
            usable.add(new Usable(gpu, Objects.requireNonNull(plan)));
          } else {
            reasons.addAll(failed);
          }
        }
        if (usable.size() < tensorParallel) {
          for (Usable u : usable) {
            reasons.add(tooFew(agent, u, group.size(), usable.size(), tensorParallel));
          }
          continue;
        }
        Candidate candidate = choose(agent.agentId(), usable, tensorParallel, policy);
        if (best == null || better(candidate, best, policy)) {
          best = candidate;
        }
      }
    }
    if (best == null) {
      // agents are in id order already; within one, GPUs of several groups interleave
      reasons.sort(Comparator.comparing(Reason::agentId).thenComparingInt(Reason::index));
      return new Refusal(reasons);
    }
    return best.placement(policy);
  }

  /** A GPU that passed every rule, with the job's plan for it. */
  private record Usable(GpuState gpu, JobPlan plan) {
    long remaining() {
      return gpu.allocatableBytes() - plan.claimBytes();
    }
  }

  /** The GPUs a policy would take from one group, with the allocatable memory they leave. */
  private record Candidate(String agentId, List<Usable> gpus, long remaining) {
    Placement placement(Policy policy) {
      List<Placement.Gpu> chosen = new ArrayList<>();
      Usable smallest = gpus.get(0);
      for (Usable u : gpus) {
        MeasuredFree free = u.gpu().measuredFree().orElseThrow();
        chosen.add(
            new Placement.Gpu(
                u.gpu().index(),
                u.gpu().uuid(),
                u.gpu().productName(),
                u.plan().claimBytes(),
                u.gpu().allocatableBytes(),
                free.bytes(),
                free.at()));
        if (u.gpu().totalBytes() < smallest.gpu().totalBytes()) {
          smallest = u;
        }
      }
      return new Placement(agentId, policy, chosen, smallest.plan());
    }
  }

  /**
   * The {@code n} GPUs of {@code usable} the policy prefers: least remaining for binpack, most for
   * spread, lower index on ties; in index order.
   */
  private static Candidate choose(String agentId, List<Usable> usable, int n, Policy policy) {
    Comparator<Usable> byRemaining = Comparator.comparingLong(Usable::remaining);
    if (policy == Policy.SPREAD) {
      byRemaining = byRemaining.reversed();
    }
    List<Usable> ordered = new ArrayList<>(usable);
    ordered.sort(byRemaining.thenComparingInt(u -> u.gpu().index()));
    List<Usable> chosen = new ArrayList<>(ordered.subList(0, n));
    chosen.sort(Comparator.comparingInt(u -> u.gpu().index()));
    long remaining = 0;
    for (Usable u : chosen) {
      remaining += u.remaining(); // each in [0, 2^53): no overflow for up to 1,024 GPUs
    }
    return new Candidate(agentId, List.copyOf(chosen), remaining);
  }

  /** Whether {@code a} is preferred to {@code b}: policy, then agent id, then GPU indexes. */
  private static boolean better(Candidate a, Candidate b, Policy policy) {
    int byMemory = Long.compare(a.remaining(), b.remaining());
    if (byMemory != 0) {
      return policy == Policy.BINPACK ? byMemory < 0 : byMemory > 0;
    }
    int byAgent = a.agentId().compareTo(b.agentId());
    if (byAgent != 0) {
      return byAgent < 0;
    }
    for (int i = 0; i < a.gpus().size(); i++) {
      int byIndex = Integer.compare(a.gpus().get(i).gpu().index(), b.gpus().get(i).gpu().index());
      if (byIndex != 0) {
        return byIndex < 0;
      }
    }
    return false;
  }

  /** Every rule {@code gpu} fails for {@code plan}; empty when it can take the claim. */
  private List<Reason> check(AgentState agent, GpuState gpu, @Nullable JobPlan plan, Instant now) {
    List<Reason> failed = new ArrayList<>();
    String where =
        "agent " + agent.agentId() + " GPU " + gpu.index() + " (" + gpu.productName() + "): ";
    if (!agent.ready()) {
      failed.add(reason(agent, gpu, Rule.AGENT_NOT_READY, claim(plan), where + "agent not ready"));
      return failed;
    }
    if (plan == null) {
      failed.add(
          reason(
              agent,
              gpu,
              Rule.UNKNOWN_TOTAL,
              0,
              where + "the agent reports no memory total for it, so the job cannot be planned"));
      return failed;
    }
    long claim = plan.claimBytes();
    if (!gpu.healthy()) {
      failed.add(reason(agent, gpu, Rule.UNHEALTHY, claim, where + "unhealthy"));
    }
    if (!plan.fits()) {
      String[] sizes = Bytes.pair(plan.neededBytes(), plan.budgetBytes());
      failed.add(
          reason(
              agent,
              gpu,
              Rule.DOES_NOT_FIT,
              plan.neededBytes(),
              where
                  + "the model does not fit this GPU: needs "
                  + sizes[0]
                  + " per GPU, engine budget "
                  + sizes[1]));
    }
    long allocatable = gpu.allocatableBytes();
    if (claim > allocatable) {
      String[] sizes = Bytes.pair(claim, allocatable);
      failed.add(
          reason(
              agent,
              gpu,
              Rule.OVER_ALLOCATABLE,
              claim,
              where
                  + "needs "
                  + sizes[0]
                  + ", allocatable "
                  + sizes[1]
                  + " ("
                  + Bytes.format(gpu.totalBytes())
                  + " total, "
                  + Bytes.format(gpu.claimedBytes())
                  + " claimed"
                  + (gpu.reservedBytes() > 0
                      ? ", " + Bytes.format(gpu.reservedBytes()) + " reserved"
                      : "")
                  + ")"));
    }
    if (gpu.measuredFree().isEmpty()) {
      failed.add(
          reason(
              agent,
              gpu,
              Rule.NO_FRESH_MEASUREMENT,
              claim,
              where + "no measurement in the last " + Bytes.age(freshness)));
      return failed;
    }
    MeasuredFree free = gpu.measuredFree().get();
    Duration age = Duration.between(free.at(), now);
    if (age.compareTo(freshness) > 0) {
      failed.add(
          reason(
              agent,
              gpu,
              Rule.NO_FRESH_MEASUREMENT,
              claim,
              where
                  + "no measurement in the last "
                  + Bytes.age(freshness)
                  + " (latest "
                  + Bytes.age(age)
                  + " ago)"));
    } else if (age.negated().compareTo(freshness) > 0) {
      failed.add(
          reason(
              agent,
              gpu,
              Rule.NO_FRESH_MEASUREMENT,
              claim,
              where
                  + "latest measurement is dated "
                  + Bytes.age(age.negated())
                  + " ahead of the server's clock"));
    } else if (free.bytes() < claim) {
      String[] sizes = Bytes.pair(claim, free.bytes());
      failed.add(
          reason(
              agent,
              gpu,
              Rule.MEASURED_FREE_LOW,
              claim,
              where
                  + "needs "
                  + sizes[0]
                  + ", measured free "
                  + sizes[1]
                  + (age.isNegative() ? " just now" : " " + Bytes.age(age) + " ago")));
    }
    return failed;
  }

  private static long claim(@Nullable JobPlan plan) {
    return plan == null ? 0 : plan.claimBytes();
  }

  private static Reason tooFew(AgentState agent, Usable u, int ofModel, int usable, int needed) {
    GpuState gpu = u.gpu();
    String where =
        "agent " + agent.agentId() + " GPU " + gpu.index() + " (" + gpu.productName() + "): ";
    String message =
        ofModel < needed
            ? "only "
                + ofModel
                + (ofModel == 1 ? " GPU" : " GPUs")
                + " of this model on the agent, tensor parallelism needs "
                + needed
            : "could take its share, but only "
                + usable
                + " of the agent's "
                + ofModel
                + " GPUs of this model can, tensor parallelism needs "
                + needed;
    return reason(agent, gpu, Rule.TOO_FEW_GPUS, u.plan().claimBytes(), where + message);
  }

  private static Reason reason(
      AgentState agent, GpuState gpu, Rule rule, long needed, String message) {
    @Nullable MeasuredFree free = gpu.measuredFree().orElse(null);
    return new Reason(
        agent.agentId(),
        gpu.uuid(),
        gpu.index(),
        gpu.productName(),
        rule,
        needed,
        gpu.totalBytes(),
        gpu.claimedBytes(),
        gpu.reservedBytes(),
        gpu.allocatableBytes(),
        free == null ? null : free.bytes(),
        free == null ? null : free.at(),
        message);
  }
}
