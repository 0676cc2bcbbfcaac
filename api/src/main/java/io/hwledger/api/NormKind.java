package io.hwledger.api;

/** The normalisation a model uses, which decides its parameters per norm. */
public enum NormKind {
  /** RMSNorm: one weight per element. */
  RMS_NORM(1),
  /** LayerNorm with weight and bias: two parameters per element. */
  LAYER_NORM(2);

  private final int parametersPerElement;

  NormKind(int parametersPerElement) {
    this.parametersPerElement = parametersPerElement;
  }

  /**
   * Parameters per normalised element: 1 for RMSNorm, 2 for LayerNorm.
   *
   * @return 1 or 2
   */
  public int parametersPerElement() {
    return parametersPerElement;
  }
}
