package io.hwledger.fleet.placement;

import static io.hwledger.fleet.placement.Plans.GIB;
import static io.hwledger.fleet.placement.Plans.NOW;
import static org.assertj.core.api.Assertions.assertThat;

import io.hwledger.testsupport.Verifies;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.function.BiFunction;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Properties of every decision over seeded random fleets. The seed is printed and can be fixed with
 * {@code -Dhwledger.seed=N}. Feasibility is checked against a brute-force reading of the rules
 * written here, not the placer's.
 */
@Verifies({"FR-FLEET-011", "FR-FLEET-012"})
class PlacerPropertiesTest {
  static final long SEED = Long.getLong("hwledger.seed", System.nanoTime());
  private static final int CASES = 300;
  private static final Duration FRESH = Duration.ofSeconds(60);
  private static final String[] PRODUCTS = {
    "NVIDIA H100 80GB HBM3", "NVIDIA A100-SXM4-80GB", "NVIDIA GeForce RTX 4090"
  };
  private static final long[] TOTALS = {80 * GIB, 80 * GIB, 24 * GIB};

  static {
    System.out.println(
        "PlacerPropertiesTest seed: " + SEED + " (rerun with -Dhwledger.seed=" + SEED + ")");
  }

  /** One random case: a fleet, a job's claim per product, its parallelism and policy. */
  record Case(
      int number,
      List<AgentState> agents,
      Map<String, Long> claims,
      Map<String, Boolean> fits,
      int tp,
      Policy policy) {
    @Override
    public String toString() {
      return "case " + number + " of seed " + SEED;
    }

    BiFunction<AgentState, GpuKind, JobPlan> plans() {
      return (agent, kind) -> {
        long claim = claims.get(kind.productName());
        boolean fit = fits.get(kind.productName());
        return Plans.plan(kind, claim, claim, fit ? claim : claim - 1);
      };
    }
  }

  static Stream<Case> cases() {
    SplittableRandom root = new SplittableRandom(SEED);
    List<Case> out = new ArrayList<>();
    for (int i = 0; i < CASES; i++) {
      out.add(randomCase(i, root.split()));
    }
    return out.stream();
  }

  private static Case randomCase(int number, SplittableRandom r) {
    List<AgentState> agents = new ArrayList<>();
    int agentCount = r.nextInt(6);
    for (int a = 0; a < agentCount; a++) {
      List<GpuState> gpus = new ArrayList<>();
      int gpuCount = r.nextInt(9);
      for (int g = 0; g < gpuCount; g++) {
        int p = r.nextInt(PRODUCTS.length);
        long total = TOTALS[p];
        long claimed = r.nextInt(4) == 0 ? 0 : r.nextLong(total + 1);
        long reserved = r.nextInt(5) == 0 ? r.nextLong(4 * GIB) : 0;
        Optional<MeasuredFree> measured;
        int m = r.nextInt(10);
        if (m == 0) {
          measured = Optional.empty();
        } else {
          long outside = r.nextInt(3) == 0 ? r.nextLong(30 * GIB) : 0;
          long free = Math.max(0, total - claimed - outside);
          // mostly fresh, some at the edge, some stale or from the future
          long secondsAgo =
              m == 1 ? 60 + 1 + r.nextInt(100) : m == 2 ? -r.nextInt(120) : r.nextInt(61);
          measured = Optional.of(new MeasuredFree(free, NOW.minusSeconds(secondsAgo)));
        }
        gpus.add(
            new GpuState(
                "GPU-" + a + "-" + g,
                g,
                "nvidia",
                PRODUCTS[p],
                total,
                claimed,
                reserved,
                measured,
                r.nextInt(10) != 0,
                false));
      }
      Collections.shuffle(gpus, new java.util.Random(r.nextLong()));
      agents.add(
          new AgentState("agent-" + (char) ('a' + r.nextInt(26)) + a, r.nextInt(8) != 0, gpus));
    }
    Map<String, Long> claims = new HashMap<>();
    Map<String, Boolean> fits = new HashMap<>();
    for (String product : PRODUCTS) {
      claims.put(product, 1 + r.nextLong(60 * GIB));
      fits.put(product, r.nextInt(8) != 0);
    }
    int[] degrees = {1, 1, 2, 4};
    Policy policy = r.nextBoolean() ? Policy.BINPACK : Policy.SPREAD;
    return new Case(number, agents, claims, fits, degrees[r.nextInt(degrees.length)], policy);
  }

  /** The rules of FLEET.md §2 for one GPU, read directly. */
  private static boolean usable(AgentState agent, GpuState gpu, Case c) {
    long claim = c.claims().get(gpu.productName());
    if (!agent.ready() || !gpu.healthy() || !c.fits().get(gpu.productName())) {
      return false;
    }
    if (claim > gpu.totalBytes() - gpu.claimedBytes() - gpu.reservedBytes()) {
      return false;
    }
    if (gpu.measuredFree().isEmpty()) {
      return false;
    }
    MeasuredFree free = gpu.measuredFree().get();
    long ageSeconds = Duration.between(free.at(), NOW).toSeconds();
    return Math.abs(ageSeconds) <= FRESH.toSeconds() && free.bytes() >= claim;
  }

  /** The best remaining-memory sum over every feasible set, by brute force; null if none. */
  private static Long bestSum(Case c) {
    Long best = null;
    for (AgentState agent : c.agents()) {
      Map<String, List<Long>> remaining = new LinkedHashMap<>();
      for (GpuState gpu : agent.gpus()) {
        if (usable(agent, gpu, c)) {
          long left =
              gpu.totalBytes()
                  - gpu.claimedBytes()
                  - gpu.reservedBytes()
                  - c.claims().get(gpu.productName());
          remaining.computeIfAbsent(gpu.productName(), k -> new ArrayList<>()).add(left);
        }
      }
      for (List<Long> group : remaining.values()) {
        for (long sum : subsetSums(group, c.tp(), 0)) {
          if (best == null || (c.policy() == Policy.BINPACK ? sum < best : sum > best)) {
            best = sum;
          }
        }
      }
    }
    return best;
  }

  /** The sums of every {@code k}-element subset of {@code values} from {@code from} on. */
  private static List<Long> subsetSums(List<Long> values, int k, int from) {
    if (k == 0) {
      return List.of(0L);
    }
    List<Long> out = new ArrayList<>();
    for (int i = from; i <= values.size() - k; i++) {
      for (long rest : subsetSums(values, k - 1, i + 1)) {
        out.add(values.get(i) + rest);
      }
    }
    return out;
  }

  @ParameterizedTest
  @MethodSource("cases")
  void aDecisionKeepsEveryRuleAndIsTheBestTheRulesAllow(Case c) {
    Decision decision =
        Placer.withFreshness(FRESH).place(c.tp(), c.policy(), c.plans(), c.agents(), NOW);
    Long best = bestSum(c);
    if (decision instanceof Placement p) {
      assertThat(best).as("a feasible set exists").isNotNull();
      AgentState agent =
          c.agents().stream()
              .filter(a -> a.agentId().equals(p.agentId()))
              .findFirst()
              .orElseThrow();
      assertThat(agent.ready()).isTrue();
      assertThat(p.gpus()).hasSize(c.tp());
      Set<String> products = new HashSet<>();
      long sum = 0;
      for (Placement.Gpu chosen : p.gpus()) {
        GpuState gpu =
            agent.gpus().stream()
                .filter(g -> g.uuid().equals(chosen.uuid()))
                .findFirst()
                .orElseThrow();
        products.add(gpu.vendor() + "/" + gpu.productName());
        long claim = c.claims().get(gpu.productName());
        assertThat(chosen.index()).isEqualTo(gpu.index());
        assertThat(chosen.claimBytes()).isEqualTo(claim);
        assertThat(claim).isLessThanOrEqualTo(gpu.allocatableBytes());
        assertThat(claim).isLessThanOrEqualTo(chosen.measuredFreeBytes());
        assertThat(chosen.measuredFreeBytes()).isEqualTo(gpu.measuredFree().orElseThrow().bytes());
        assertThat(usable(agent, gpu, c)).isTrue();
        sum += gpu.allocatableBytes() - claim;
      }
      assertThat(p.gpus()).extracting(Placement.Gpu::uuid).doesNotHaveDuplicates();
      assertThat(products).hasSize(1);
      assertThat(sum).isEqualTo(best);
    } else {
      Refusal refusal = (Refusal) decision;
      assertThat(best).as("no feasible set").isNull();
      Set<String> all = new HashSet<>();
      c.agents().forEach(a -> a.gpus().forEach(g -> all.add(a.agentId() + "/" + g.uuid())));
      Set<String> named = new HashSet<>();
      refusal.reasons().forEach(r -> named.add(r.agentId() + "/" + r.uuid()));
      assertThat(named).isEqualTo(all);
      assertThat(refusal.reasons()).allSatisfy(r -> assertThat(r.message()).doesNotContain("\n"));
    }
  }

  @Test
  void theCasesHoldBothPlacementsAndRefusals() {
    // a generator that only ever refuses (or places) would check half the properties
    long placed = cases().filter(c -> bestSum(c) != null).count();
    assertThat(placed).isBetween(CASES / 10L, CASES - CASES / 10L);
  }

  @ParameterizedTest
  @MethodSource("cases")
  void theDecisionDoesNotDependOnTheOrderOfAgentsOrGpus(Case c) {
    Placer placer = Placer.withFreshness(FRESH);
    Decision first = placer.place(c.tp(), c.policy(), c.plans(), c.agents(), NOW);
    List<AgentState> shuffled = new ArrayList<>();
    for (AgentState a : c.agents()) {
      List<GpuState> gpus = new ArrayList<>(a.gpus());
      Collections.reverse(gpus);
      shuffled.add(new AgentState(a.agentId(), a.ready(), gpus));
    }
    Collections.reverse(shuffled);
    Decision second = placer.place(c.tp(), c.policy(), c.plans(), shuffled, NOW);
    if (first instanceof Placement p) {
      assertThat(second).isInstanceOf(Placement.class);
      assertThat(((Placement) second).agentId()).isEqualTo(p.agentId());
      assertThat(((Placement) second).gpus()).isEqualTo(p.gpus());
    } else {
      assertThat(second).isEqualTo(first);
    }
  }
}
