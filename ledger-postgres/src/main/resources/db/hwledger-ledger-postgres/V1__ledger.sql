-- The ledger's records and Merkle tree (ADR 0021). The bytes are exactly those the file store
-- keeps (io.hwledger.ledger.RecordChain seals both), so roots, proofs and checkpoints agree.

-- Record n is Merkle leaf n; body is its canonical bytes, leaf_hash = SHA-256(0x00 || body).
CREATE TABLE ledger_record (
  seq       bigint PRIMARY KEY CHECK (seq >= 0),
  leaf_hash bytea  NOT NULL CHECK (octet_length(leaf_hash) = 32),
  body      bytea  NOT NULL
);

-- Every complete aligned subtree above the leaves: node idx of level covers leaves
-- [idx * 2^level, (idx + 1) * 2^level). Written in the transaction that completes it.
CREATE TABLE ledger_node (
  level smallint NOT NULL CHECK (level BETWEEN 1 AND 63),
  idx   bigint   NOT NULL CHECK (idx >= 0),
  hash  bytea    NOT NULL CHECK (octet_length(hash) = 32),
  PRIMARY KEY (level, idx)
);

-- Append-only, whatever role connects: changing or removing history is refused in the database
-- too, not only by the application (FLEET.md section 6).
CREATE FUNCTION ledger_refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'the ledger is append-only: % on % refused', TG_OP, TG_TABLE_NAME;
END
$$;

CREATE TRIGGER ledger_record_append_only BEFORE UPDATE OR DELETE ON ledger_record
  FOR EACH ROW EXECUTE FUNCTION ledger_refuse_change();
CREATE TRIGGER ledger_record_no_truncate BEFORE TRUNCATE ON ledger_record
  FOR EACH STATEMENT EXECUTE FUNCTION ledger_refuse_change();
CREATE TRIGGER ledger_node_append_only BEFORE UPDATE OR DELETE ON ledger_node
  FOR EACH ROW EXECUTE FUNCTION ledger_refuse_change();
CREATE TRIGGER ledger_node_no_truncate BEFORE TRUNCATE ON ledger_node
  FOR EACH STATEMENT EXECUTE FUNCTION ledger_refuse_change();
