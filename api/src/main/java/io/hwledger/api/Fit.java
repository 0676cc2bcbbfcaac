package io.hwledger.api;

/**
 * Whether the most loaded GPU of a plan fits its memory budget.
 *
 * @param budgetBytes memory budget of one GPU, bytes
 * @param headroomBytes budget minus the most loaded GPU's total, bytes; negative when it does not
 *     fit
 */
public record Fit(long budgetBytes, long headroomBytes) {

  /**
   * Whether the plan fits: headroom is zero or more.
   *
   * @return {@code true} if {@code headroomBytes >= 0}
   */
  public boolean fits() {
    return headroomBytes >= 0;
  }
}
