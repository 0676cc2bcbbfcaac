package io.hwledger.api;

/** The channel mixer (feed-forward block) of one layer. */
public sealed interface Mlp permits DenseMlp, MoeMlp, NoMlp {}
