package io.hwledger.fleet.server;

import com.fasterxml.jackson.core.JsonProcessingException;
import io.hwledger.fleet.protocol.WatchEvent;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Predicate;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;

/**
 * Agents' open watch streams: newline-delimited JSON written asynchronously, so an open stream
 * holds no thread. A stream that falls too far behind, or whose agent is revoked or whose
 * certificate is superseded, is aborted (the connection closes and the agent redials).
 */
final class WatchStreams {
  /** Lines queued for one stream before it is judged stuck and aborted. */
  private static final int MAX_QUEUED = 256;

  private final Map<String, List<Stream>> byAgent = new ConcurrentHashMap<>();

  /** One agent's open stream. */
  final class Stream {
    final String agentId;
    final String serial;
    private final Response response;
    private final Callback callback;
    private final ArrayDeque<ByteBuffer> queue = new ArrayDeque<>();
    private boolean writing;
    private boolean closed;
    private volatile long lastWriteNanos = System.nanoTime();

    Stream(String agentId, String serial, Response response, Callback callback) {
      this.agentId = agentId;
      this.serial = serial;
      this.response = response;
      this.callback = callback;
    }

    void send(WatchEvent event) {
      byte[] line;
      try {
        line =
            (Exchange.JSON.writeValueAsString(event) + "\n")
                .getBytes(java.nio.charset.StandardCharsets.UTF_8);
      } catch (JsonProcessingException e) {
        throw new IllegalStateException("cannot write a watch line", e);
      }
      synchronized (this) {
        if (closed) {
          return;
        }
        if (queue.size() >= MAX_QUEUED) {
          abort("the agent reads its watch stream too slowly");
          return;
        }
        queue.add(ByteBuffer.wrap(line));
        pump();
      }
    }

    private void pump() {
      if (writing || closed) {
        return;
      }
      ByteBuffer next = queue.poll();
      if (next == null) {
        return;
      }
      writing = true;
      lastWriteNanos = System.nanoTime();
      response.write(
          false,
          next,
          Callback.from(
              () -> {
                synchronized (this) {
                  writing = false;
                  pump();
                }
              },
              failure -> close()));
    }

    /** Ends the stream abruptly: the connection is closed, the agent sees the stream break. */
    void abort(String why) {
      synchronized (this) {
        if (closed) {
          return;
        }
        closed = true;
        queue.clear();
      }
      remove(this);
      callback.failed(new IOException(why));
    }

    private void close() {
      synchronized (this) {
        if (closed) {
          return;
        }
        closed = true;
      }
      remove(this);
      callback.failed(new IOException("watch stream closed"));
    }

    long idleNanos() {
      return System.nanoTime() - lastWriteNanos;
    }
  }

  /**
   * Opens a stream on {@code response}: chunked NDJSON. The caller sends the snapshot ({@link
   * AssignmentFeed#opened}).
   */
  Stream open(String agentId, String serial, Response response, Callback callback) {
    response.setStatus(200);
    response.getHeaders().put(HttpHeader.CONTENT_TYPE, "application/x-ndjson");
    response.getHeaders().put(HttpHeader.CACHE_CONTROL, "no-store");
    Stream s = new Stream(agentId, serial, response, callback);
    byAgent.computeIfAbsent(agentId, k -> new CopyOnWriteArrayList<>()).add(s);
    return s;
  }

  /** Whether {@code agentId} has an open stream. */
  boolean has(String agentId) {
    List<Stream> list = byAgent.get(agentId);
    return list != null && !list.isEmpty();
  }

  void send(String agentId, WatchEvent event) {
    for (Stream s : byAgent.getOrDefault(agentId, List.of())) {
      s.send(event);
    }
  }

  /** Aborts every stream of {@code agentId} that {@code which} selects. */
  void abort(String agentId, Predicate<Stream> which, String why) {
    for (Stream s : new ArrayList<>(byAgent.getOrDefault(agentId, List.of()))) {
      if (which.test(s)) {
        s.abort(why);
      }
    }
  }

  /** Sends a keepalive on every stream idle for {@code idleNanos}. */
  void keepalive(long idleNanos) {
    WatchEvent k = WatchEvent.keepalive();
    for (List<Stream> list : byAgent.values()) {
      for (Stream s : list) {
        if (s.idleNanos() >= idleNanos) {
          s.send(k);
        }
      }
    }
  }

  int open() {
    return byAgent.values().stream().mapToInt(List::size).sum();
  }

  void closeAll() {
    for (String agent : new ArrayList<>(byAgent.keySet())) {
      abort(agent, s -> true, "server stopping");
    }
  }

  private void remove(Stream s) {
    List<Stream> list = byAgent.get(s.agentId);
    if (list != null) {
      list.remove(s);
    }
  }
}
