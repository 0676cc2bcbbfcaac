package io.hwledger.ledger;

import java.security.MessageDigest;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Objects;

/**
 * The head of a ledger's hash chain and Merkle tree, for {@link LedgerStore} implementations: it
 * turns events into the canonical record bytes every store holds, with the leaf hash and the tree
 * nodes each record completes, so that every store gives the same events the same bytes, hashes,
 * roots and proofs. One writer uses it at a time; it is not thread-safe. To seal a batch that may
 * not commit, seal on a {@link #copy()} and keep the copy only once the batch is durable.
 */
public final class RecordChain {
  private MerkleFrontier frontier;
  private byte[] lastHash;

  private RecordChain(MerkleFrontier frontier, byte[] lastHash) {
    this.frontier = frontier;
    this.lastHash = lastHash;
  }

  /**
   * The chain of an empty ledger: record 0 links to the genesis hash.
   *
   * @return a chain at size 0
   */
  public static RecordChain empty() {
    return new RecordChain(new MerkleFrontier(), RecordCodec.GENESIS.clone());
  }

  /**
   * The chain of a ledger of {@code size} records whose tree is {@code tree}.
   *
   * @param tree the stored tree, at least {@code size} leaves
   * @param size the records held
   * @return a chain whose next record is {@code size}
   * @throws IllegalArgumentException if {@code size} is negative or beyond {@code tree}
   */
  public static RecordChain resume(HashStore tree, long size) {
    Objects.requireNonNull(tree, "tree");
    if (size < 0 || size > tree.size()) {
      throw new IllegalArgumentException(
          "size " + size + " is outside the tree's 0.." + tree.size());
    }
    if (size == 0) {
      return empty();
    }
    return new RecordChain(MerkleFrontier.resume(tree, size), tree.node(0, size - 1).clone());
  }

  /**
   * An independent copy, to seal a batch on.
   *
   * @return a chain at the same point
   */
  public RecordChain copy() {
    return new RecordChain(frontier.copy(), lastHash);
  }

  /**
   * Records sealed so far.
   *
   * @return the next record's sequence number
   */
  public long size() {
    return frontier.size();
  }

  /**
   * The hash of the last record, or the genesis hash for none.
   *
   * @return a fresh 32-byte array
   */
  public byte[] lastHash() {
    return lastHash.clone();
  }

  /**
   * The Merkle root of the records sealed so far.
   *
   * @return a fresh 32-byte array
   */
  public byte[] root() {
    return frontier.root().clone();
  }

  /**
   * Seals {@code event} as the next record, appended at {@code time}.
   *
   * @param event the event
   * @param time when it is appended; stored to the microsecond
   * @return the record's bytes, hash and the tree nodes it completes
   * @throws LedgerException if the record cannot be encoded (too large, a time out of range)
   */
  public Sealed seal(LedgerEvent event, Instant time) {
    Objects.requireNonNull(event, "event");
    Objects.requireNonNull(time, "time");
    return push(encode(size(), time, event, lastHash));
  }

  /**
   * Seals a record copied from another ledger, keeping its bytes.
   *
   * @param record the record as the other ledger holds it
   * @return the record's bytes, hash and the tree nodes it completes
   * @throws LedgerException if {@code record} is not the next record of this chain: its sequence
   *     number is not {@link #size()}, or re-encoded here it has another hash
   */
  public Sealed sealCopy(RecordedEvent record) {
    Objects.requireNonNull(record, "record");
    return push(encodeCopy(record, size(), lastHash));
  }

  /**
   * The body of {@code event} as record {@code seq} appended at {@code time} after {@code prev}.
   *
   * @throws LedgerException if it cannot be encoded (too large, a time out of range)
   */
  static byte[] encode(long seq, Instant time, LedgerEvent event, byte[] prev) {
    try {
      return RecordCodec.body(
          seq,
          RecordCodec.micros(time),
          event.type(),
          event.schemaVersion(),
          event.payload(),
          prev);
    } catch (IllegalArgumentException | ArithmeticException e) {
      throw new LedgerException(e.getMessage(), e);
    }
  }

  /**
   * The body of {@code copy} as record {@code seq} after {@code prev}: its own bytes, or an error.
   *
   * @throws LedgerException if {@code copy} is not record {@code seq}, or chained to {@code prev}
   *     it hashes to something else than its hash
   */
  static byte[] encodeCopy(RecordedEvent copy, long seq, byte[] prev) {
    if (copy.seq() != seq) {
      throw new LedgerException(
          "record " + copy.seq() + " does not continue a ledger of " + seq + " records");
    }
    byte[] body;
    try {
      body =
          RecordCodec.body(
              seq,
              RecordCodec.micros(copy.timestamp()),
              copy.type(),
              copy.schemaVersion(),
              copy.payload(),
              prev);
    } catch (IllegalArgumentException | ArithmeticException e) {
      throw new LedgerException(e.getMessage(), e);
    }
    byte[] hash = RecordCodec.hash(body);
    if (!MessageDigest.isEqual(hash, copy.hash())) {
      throw new LedgerException(
          "record "
              + seq
              + " has hash "
              + copy.hashHex()
              + " but chained to this ledger it hashes to "
              + HexFormat.of().formatHex(hash));
    }
    return body;
  }

  private Sealed push(byte[] body) {
    byte[] hash = RecordCodec.hash(body);
    long seq = size();
    List<TreeNode> nodes = new ArrayList<>(2);
    frontier.push(hash, (level, index, node) -> nodes.add(new TreeNode(level, index, node)));
    lastHash = hash;
    return new Sealed(seq, body, hash, nodes);
  }

  /**
   * Decodes a stored record and checks it against its stored hash.
   *
   * @param body the record's canonical bytes
   * @param storedHash the hash stored with it
   * @return the event view of the record
   * @throws LedgerException if the body is malformed or does not hash to {@code storedHash}
   */
  public static RecordedEvent open(byte[] body, byte[] storedHash) {
    Objects.requireNonNull(body, "body");
    Objects.requireNonNull(storedHash, "storedHash");
    RecordCodec.Body decoded;
    try {
      decoded = RecordCodec.decode(body);
    } catch (IllegalArgumentException e) {
      throw new LedgerException("malformed record: " + e.getMessage(), e);
    }
    byte[] hash = RecordCodec.hash(body);
    if (!MessageDigest.isEqual(hash, storedHash)) {
      throw new LedgerException(
          "record " + decoded.seq() + " does not hash to its stored hash: it was changed");
    }
    return RecordScanner.event(decoded, hash);
  }

  /**
   * The previous-record hash a record's bytes carry.
   *
   * @param body a record's canonical bytes
   * @return a fresh 32-byte array
   * @throws LedgerException if the body is malformed
   */
  public static byte[] linkOf(byte[] body) {
    try {
      return RecordCodec.decode(Objects.requireNonNull(body, "body")).prevHash();
    } catch (IllegalArgumentException e) {
      throw new LedgerException("malformed record: " + e.getMessage(), e);
    }
  }

  /**
   * A sealed record.
   *
   * @param seq its sequence number, equal to its leaf index
   * @param body its canonical bytes: the Merkle leaf
   * @param hash its leaf hash, {@code SHA-256(0x00 ‖ body)}
   * @param nodes the tree nodes it completes, its own leaf (level 0) first
   */
  @SuppressWarnings("ArrayRecordComponent") // copied in and out; handed to storage, not compared
  public record Sealed(long seq, byte[] body, byte[] hash, List<TreeNode> nodes) {
    /**
     * Copies.
     *
     * @param seq its sequence number
     * @param body its canonical bytes
     * @param hash its leaf hash
     * @param nodes the tree nodes it completes
     */
    public Sealed {
      body = body.clone();
      hash = hash.clone();
      nodes = List.copyOf(nodes);
    }

    /**
     * The canonical bytes.
     *
     * @return a fresh copy
     */
    @Override
    public byte[] body() {
      return body.clone();
    }

    /**
     * The leaf hash.
     *
     * @return a fresh copy of the 32 bytes
     */
    @Override
    public byte[] hash() {
      return hash.clone();
    }
  }

  /**
   * A node of the Merkle tree: the root of the complete aligned subtree over leaves {@code [index ·
   * 2^level, (index + 1) · 2^level)}.
   *
   * @param level 0 for a leaf
   * @param index the node's position within its level
   * @param hash its 32-byte hash
   */
  @SuppressWarnings("ArrayRecordComponent") // copied in and out; handed to storage, not compared
  public record TreeNode(int level, long index, byte[] hash) {
    /**
     * Copies.
     *
     * @param level 0 for a leaf
     * @param index the node's position within its level
     * @param hash its 32-byte hash
     */
    public TreeNode {
      hash = hash.clone();
    }

    /**
     * The node's hash.
     *
     * @return a fresh copy of the 32 bytes
     */
    @Override
    public byte[] hash() {
      return hash.clone();
    }
  }
}
