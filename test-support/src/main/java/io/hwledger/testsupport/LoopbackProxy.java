package io.hwledger.testsupport;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A TCP proxy on loopback for fault tests: it forwards every connection made to {@link #port()} to
 * a port on loopback, byte for byte (TLS passes through untouched), and can fail the network
 * between the two sides on demand while both ends stay up.
 *
 * <ul>
 *   <li>{@link #cut()} resets every open connection (RST), as a dropped link or a restarted NAT
 *       would; new connections are forwarded again at once.
 *   <li>{@link #down()} cuts too, and resets every new connection until {@link #up()}.
 *   <li>{@link #pause()} holds every byte and every close, in both directions, until {@link #up()}:
 *       a partition the TCP connections survive, as when packets are dropped for a while. New
 *       connections are accepted and held the same way.
 * </ul>
 *
 * <p>Thread-safe. One thread accepts and two threads relay each connection (daemon threads); each
 * ends when its sockets close. {@link #close()} stops listening and resets every connection.
 */
public final class LoopbackProxy implements AutoCloseable {
  private enum Mode {
    OPEN,
    PAUSED,
    DOWN
  }

  private final ServerSocket listener;
  private final int target;
  private final Thread acceptor;
  private final Object lock = new Object();
  private final List<Socket> open = new ArrayList<>();
  private final AtomicLong accepted = new AtomicLong();
  private Mode mode = Mode.OPEN;
  private boolean closed;

  private LoopbackProxy(ServerSocket listener, int target) {
    this.listener = listener;
    this.target = target;
    this.acceptor = new Thread(this::acceptLoop, "loopback-proxy-" + listener.getLocalPort());
    acceptor.setDaemon(true);
  }

  /**
   * Starts a proxy listening on a free loopback port.
   *
   * @param targetPort the loopback port connections are forwarded to, 1 to 65535
   * @return the running proxy
   * @throws IOException if no port can be bound
   * @throws IllegalArgumentException if {@code targetPort} is out of range
   */
  public static LoopbackProxy start(int targetPort) throws IOException {
    if (targetPort < 1 || targetPort > 65535) {
      throw new IllegalArgumentException("targetPort must be 1 to 65535, was " + targetPort);
    }
    ServerSocket s = new ServerSocket();
    s.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
    LoopbackProxy p = new LoopbackProxy(s, targetPort);
    p.acceptor.start();
    return p;
  }

  /**
   * The port clients connect to.
   *
   * @return the proxy's loopback port
   */
  public int port() {
    return listener.getLocalPort();
  }

  /**
   * How many connections the proxy has accepted since it started, forwarded or reset.
   *
   * @return the count
   */
  public long accepted() {
    return accepted.get();
  }

  /**
   * How many connections are open now (both sides' sockets count as one).
   *
   * @return the count
   */
  public int openConnections() {
    synchronized (lock) {
      return open.size() / 2;
    }
  }

  /** Resets every open connection; later connections are forwarded as usual. */
  public void cut() {
    resetAll();
  }

  /** Resets every open connection and every new one until {@link #up()}. */
  public void down() {
    synchronized (lock) {
      mode = Mode.DOWN;
      lock.notifyAll();
    }
    resetAll();
  }

  /** Holds every byte and close, in both directions, until {@link #up()}. */
  public void pause() {
    synchronized (lock) {
      if (mode == Mode.OPEN) {
        mode = Mode.PAUSED;
      }
    }
  }

  /** Forwards again: what a pause held goes on, and new connections are forwarded. */
  public void up() {
    synchronized (lock) {
      mode = Mode.OPEN;
      lock.notifyAll();
    }
  }

  /** Stops listening and resets every connection. */
  @Override
  public void close() {
    synchronized (lock) {
      closed = true;
      lock.notifyAll();
    }
    try {
      listener.close();
    } catch (IOException e) {
      // closing: nothing left to do
    }
    resetAll();
  }

  private void acceptLoop() {
    while (!listener.isClosed()) {
      Socket client;
      try {
        client = listener.accept();
      } catch (IOException e) {
        return; // closed
      }
      accepted.incrementAndGet();
      boolean refuse;
      synchronized (lock) {
        refuse = mode == Mode.DOWN || closed;
      }
      if (refuse) {
        reset(client);
        continue;
      }
      Socket server;
      try {
        server = new Socket(InetAddress.getLoopbackAddress(), target);
      } catch (IOException e) {
        reset(client);
        continue;
      }
      synchronized (lock) {
        open.add(client);
        open.add(server);
      }
      relay(client, server, "up");
      relay(server, client, "down");
    }
  }

  private void relay(Socket from, Socket to, String direction) {
    Thread t =
        new Thread(
            () -> {
              byte[] buffer = new byte[16 * 1024];
              try {
                InputStream in = from.getInputStream();
                OutputStream out = to.getOutputStream();
                int n;
                while ((n = in.read(buffer)) != -1) {
                  if (!awaitForwarding()) {
                    break;
                  }
                  out.write(buffer, 0, n);
                  out.flush();
                }
                // an orderly close is passed on as one, once forwarding is allowed
                if (awaitForwarding()) {
                  to.shutdownOutput();
                  // the other direction ended first or ends later: whichever is last closes both
                  if (from.isOutputShutdown()) {
                    forget(from, to);
                  }
                  return;
                }
              } catch (IOException e) {
                // a reset on one side resets the other, below
              }
              synchronized (lock) {
                open.remove(from);
                open.remove(to);
              }
              reset(from);
              reset(to);
            },
            "loopback-proxy-" + direction + "-" + from.getPort());
    t.setDaemon(true);
    t.start();
  }

  /** Waits while paused; false when the proxy is down or closed, so the relay ends. */
  private boolean awaitForwarding() {
    synchronized (lock) {
      while (mode == Mode.PAUSED && !closed) {
        try {
          lock.wait();
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          return false;
        }
      }
      return mode == Mode.OPEN && !closed;
    }
  }

  private void forget(Socket a, Socket b) {
    synchronized (lock) {
      open.remove(a);
      open.remove(b);
    }
    try {
      a.close();
      b.close();
    } catch (IOException e) {
      // already closed
    }
  }

  private void resetAll() {
    List<Socket> all;
    synchronized (lock) {
      all = new ArrayList<>(open);
      open.clear();
    }
    all.forEach(LoopbackProxy::reset);
  }

  /** Closes with SO_LINGER 0, so the peer sees a reset rather than an orderly end. */
  private static void reset(Socket s) {
    try {
      s.setSoLinger(true, 0);
    } catch (IOException e) {
      // already closed
    }
    try {
      s.close();
    } catch (IOException e) {
      // already closed
    }
  }
}
