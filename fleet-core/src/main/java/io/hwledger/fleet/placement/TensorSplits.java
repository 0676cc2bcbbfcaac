package io.hwledger.fleet.placement;

import io.hwledger.api.Attention;
import io.hwledger.api.GatedDeltaNet;
import io.hwledger.api.LatentAttention;
import io.hwledger.api.LayerSpec;
import io.hwledger.api.Mamba2;
import io.hwledger.api.Mixer;
import io.hwledger.api.ModelSpec;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * Whether tensor parallelism can split a model's heads the way the engines require (vLLM's rule,
 * which the planner's per-rank split follows): TP divides every attention layer's query heads and
 * divides or is a multiple of its KV heads; it divides MLA's, Mamba-2's and each of the gated delta
 * net's head counts. The planner itself plans an uneven split without complaint (it rounds heads
 * per rank up), which an engine then refuses at start-up; this is the equivalent of core-math's
 * package-private {@code MixerKind.splitsEvenly}, written against the public layer records.
 */
final class TensorSplits {
  private TensorSplits() {}

  /**
   * Checks every layer.
   *
   * @param model the model
   * @param label the model's name for the message
   * @param tp the tensor-parallel degree
   * @throws IllegalArgumentException naming the first layer whose heads {@code tp} cannot split
   */
  static void check(ModelSpec model, String label, int tp) {
    if (tp == 1) {
      return;
    }
    List<LayerSpec> layers = model.layers();
    for (int i = 0; i < layers.size(); i++) {
      String problem = problem(layers.get(i).mixer(), tp);
      if (problem != null) {
        throw new IllegalArgumentException(
            "tensorParallel " + tp + " cannot split " + label + ": layer " + i + " has " + problem);
      }
    }
  }

  /** What {@code tp} cannot split in {@code mixer}, or null when it splits evenly. */
  private static @Nullable String problem(Mixer mixer, int tp) {
    if (mixer instanceof Attention a) {
      boolean kvSplits = a.kvHeads() % tp == 0 || tp % a.kvHeads() == 0;
      if (a.queryHeads() % tp != 0 || !kvSplits) {
        return a.queryHeads()
            + " query heads and "
            + a.kvHeads()
            + " KV heads (TP must divide the query heads and divide or be a multiple of the KV"
            + " heads)";
      }
    } else if (mixer instanceof LatentAttention m) {
      if (m.heads() % tp != 0) {
        return m.heads() + " heads (TP must divide them)";
      }
    } else if (mixer instanceof Mamba2 m) {
      if (m.heads() % tp != 0) {
        return m.heads() + " SSM heads (TP must divide them)";
      }
    } else if (mixer instanceof GatedDeltaNet g) {
      if (g.keyHeads() % tp != 0 || g.valueHeads() % tp != 0) {
        return g.keyHeads()
            + " key heads and "
            + g.valueHeads()
            + " value heads (TP must divide both)";
      }
    }
    // Mamba-1 splits its inner channels, which any degree divides as the planner rounds them
    return null;
  }
}
