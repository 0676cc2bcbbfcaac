package io.hwledger.math;

import io.hwledger.api.Attention;
import io.hwledger.api.DenseMlp;
import io.hwledger.api.GatedDeltaNet;
import io.hwledger.api.LatentAttention;
import io.hwledger.api.LayerSpec;
import io.hwledger.api.Mamba1;
import io.hwledger.api.Mamba2;
import io.hwledger.api.Mixer;
import io.hwledger.api.Mlp;
import io.hwledger.api.ModelSpec;
import io.hwledger.api.MoeMlp;
import io.hwledger.api.NoMlp;
import io.hwledger.api.NormKind;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;
import java.util.SplittableRandom;
import java.util.stream.Stream;

/**
 * A seeded generator of random but well-formed models mixing every mixer and MLP kind, for property
 * tests. The seed is printed and can be fixed with {@code -Dhwledger.seed=N}.
 */
final class RandomModels {
  static final long SEED = Long.getLong("hwledger.seed", System.nanoTime());
  private static final int CASES = 60;

  static {
    System.out.println("RandomModels seed: " + SEED + " (rerun with -Dhwledger.seed=" + SEED + ")");
  }

  private RandomModels() {}

  /** {@value #CASES} random models, the same ones for the same seed. */
  static Stream<ModelSpec> models() {
    SplittableRandom random = new SplittableRandom(SEED);
    List<ModelSpec> models = new ArrayList<>();
    for (int i = 0; i < CASES; i++) {
      models.add(model(random, "random-" + i));
    }
    return models.stream();
  }

  static ModelSpec model(SplittableRandom r, String name) {
    int heads = 1 << r.nextInt(1, 5); // 2..16, powers of two so TP divides them
    int headDim = 16 * r.nextInt(1, 9);
    int hidden = heads * headDim;
    int layerCount = r.nextInt(1, 13);
    List<LayerSpec> layers = new ArrayList<>();
    for (int i = 0; i < layerCount; i++) {
      layers.add(new LayerSpec(mixer(r, hidden, heads, headDim), mlp(r, hidden), r.nextInt(0, 5)));
    }
    return new ModelSpec(
        name,
        r.nextInt(100, 5000),
        hidden,
        r.nextBoolean(),
        r.nextBoolean() ? NormKind.RMS_NORM : NormKind.LAYER_NORM,
        layers,
        OptionalLong.of(r.nextLong(1024, 1 << 20)),
        TestModels.BF16);
  }

  private static Mixer mixer(SplittableRandom r, int hidden, int heads, int headDim) {
    switch (r.nextInt(6)) {
      case 0:
      case 1:
        int kvHeads = heads >> r.nextInt(0, 3);
        Attention a =
            new Attention(
                heads,
                Math.max(1, kvHeads),
                headDim,
                headDim * r.nextInt(1, 3),
                OptionalLong.empty(),
                r.nextBoolean(),
                r.nextBoolean(),
                r.nextBoolean(),
                r.nextBoolean(),
                r.nextBoolean());
        return r.nextBoolean() ? a : a.withWindow(r.nextLong(16, 4096));
      case 2:
        return new LatentAttention(heads, r.nextInt(0, 64), 64, 32, 16, 32);
      case 3:
        return new Mamba1(
            2 * hidden, 16, 4, Math.max(1, hidden / 16), true, r.nextBoolean(), false);
      case 4:
        return new Mamba2(2 * hidden, 64, 4, heads, heads, 2 * hidden / heads, true, false);
      default:
        return new GatedDeltaNet(heads, 2 * heads, headDim, headDim, 4);
    }
  }

  private static Mlp mlp(SplittableRandom r, int hidden) {
    switch (r.nextInt(3)) {
      case 0:
        return NoMlp.INSTANCE;
      case 1:
        return new DenseMlp(hidden * r.nextInt(1, 5), r.nextBoolean(), r.nextBoolean());
      default:
        int experts = r.nextInt(2, 17);
        return new MoeMlp(
            experts,
            r.nextInt(1, experts + 1),
            hidden,
            r.nextBoolean() ? hidden : 0,
            r.nextBoolean(),
            r.nextBoolean(),
            r.nextBoolean(),
            r.nextBoolean());
    }
  }
}
