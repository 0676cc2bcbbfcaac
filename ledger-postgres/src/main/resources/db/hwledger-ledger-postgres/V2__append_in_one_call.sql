-- One round trip per batch (ADR 0021): the writer calls ledger_append in autocommit, so the
-- check of its lock, both inserts and the commit notification are one transaction, committed
-- (durably, with synchronous_commit on) by the call itself.
CREATE FUNCTION ledger_append(
    lock_class integer,
    lock_object integer,
    channel text,
    seqs bigint[],
    hashes bytea[],
    bodies bytea[],
    levels smallint[],
    idxs bigint[],
    nodes bytea[])
  RETURNS void
  LANGUAGE plpgsql
  SET search_path = ${flyway:defaultSchema}, pg_catalog
AS $$
BEGIN
  IF NOT EXISTS (
      SELECT 1 FROM pg_catalog.pg_locks
      WHERE locktype = 'advisory' AND classid = lock_class::oid AND objid = lock_object::oid
        AND objsubid = 2 AND granted AND pid = pg_catalog.pg_backend_pid()) THEN
    RAISE EXCEPTION 'this session does not hold the writer''s lock of the ledger'
      USING ERRCODE = 'HW001';
  END IF;
  INSERT INTO ledger_record (seq, leaf_hash, body) SELECT * FROM unnest(seqs, hashes, bodies);
  IF cardinality(levels) > 0 THEN
    INSERT INTO ledger_node (level, idx, hash) SELECT * FROM unnest(levels, idxs, nodes);
  END IF;
  PERFORM pg_catalog.pg_notify(channel, (seqs[cardinality(seqs)] + 1)::text);
END
$$;
