package io.hwledger.cloud;

/**
 * Where the hardware of an offer is hosted. A provider that sells both (RunPod's Secure and
 * Community clouds, Vast.ai's data-centre and other hosts) prices them as separate markets: an
 * offer is one or the other, never a mix.
 */
public enum Tier {
  /** In a data centre vetted by the provider (RunPod Secure Cloud, Vast.ai datacenter hosts). */
  SECURE,
  /** On hosts run by third parties (RunPod Community Cloud, Vast.ai's other hosts). */
  COMMUNITY
}
