package io.hwledger.fleet.ssh;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.sshd.common.NamedResource;
import org.apache.sshd.common.config.keys.FilePasswordProvider;
import org.apache.sshd.common.util.security.SecurityUtils;
import org.jspecify.annotations.Nullable;

/**
 * Reads the client's private keys: OpenSSH or PEM files, unencrypted, that neither group nor others
 * may access (as OpenSSH demands). A key file is read when a session opens, so a replaced key is
 * used from the next session on.
 */
final class ClientKeys {
  /** The default identities OpenSSH tries, in its order. */
  static final List<String> DEFAULT_NAMES = List.of("id_ed25519", "id_ecdsa", "id_rsa");

  /** A private key file is a few kilobytes; anything past this is not one. */
  private static final long MAX_FILE_BYTES = 64 << 10;

  private static final Set<PosixFilePermission> GROUP_OR_OTHERS =
      EnumSet.of(
          PosixFilePermission.GROUP_READ,
          PosixFilePermission.GROUP_WRITE,
          PosixFilePermission.GROUP_EXECUTE,
          PosixFilePermission.OTHERS_READ,
          PosixFilePermission.OTHERS_WRITE,
          PosixFilePermission.OTHERS_EXECUTE);

  private ClientKeys() {}

  /**
   * The key pairs to authenticate with.
   *
   * @param keyFile the key file, or null for the default identities under {@code sshDir}
   * @param sshDir the user's {@code ~/.ssh}
   * @return at least one key pair
   * @throws SshFailure {@link SshFailure.Kind#KEY_FILE} naming the file and what is wrong with it
   */
  static List<KeyPair> load(@Nullable Path keyFile, Path sshDir) throws SshFailure {
    if (keyFile != null) {
      return read(keyFile);
    }
    List<KeyPair> pairs = new ArrayList<>();
    for (String name : DEFAULT_NAMES) {
      Path file = sshDir.resolve(name);
      if (Files.exists(file)) {
        pairs.addAll(read(file));
      }
    }
    if (pairs.isEmpty()) {
      throw new SshFailure(
          SshFailure.Kind.KEY_FILE,
          "no key file given and none of "
              + String.join(", ", DEFAULT_NAMES)
              + " exists in "
              + sshDir);
    }
    return List.copyOf(pairs);
  }

  /** The key pairs in one file, after checking its permissions. */
  static List<KeyPair> read(Path file) throws SshFailure {
    checkPermissions(file);
    byte[] bytes;
    try {
      if (!Files.isRegularFile(file)) {
        throw keyFile(file, "is not a regular file");
      }
      if (Files.size(file) > MAX_FILE_BYTES) {
        throw keyFile(file, "is larger than " + MAX_FILE_BYTES + " bytes, not a private key");
      }
      bytes = Files.readAllBytes(file);
    } catch (NoSuchFileException e) {
      throw keyFile(file, "does not exist");
    } catch (IOException e) {
      throw keyFile(file, "cannot be read (" + e.getClass().getSimpleName() + ")");
    }
    AtomicBoolean askedForPassphrase = new AtomicBoolean();
    FilePasswordProvider noPassphrase =
        (session, resource, retry) -> {
          askedForPassphrase.set(true);
          return null;
        };
    Iterable<KeyPair> pairs;
    try (InputStream in = new java.io.ByteArrayInputStream(bytes)) {
      pairs =
          SecurityUtils.loadKeyPairIdentities(
              null, NamedResource.ofName(file.toString()), in, noPassphrase);
    } catch (IOException | GeneralSecurityException | RuntimeException e) {
      if (askedForPassphrase.get() || mentionsEncryption(bytes)) {
        throw keyFile(file, "is passphrase-protected; passphrase-protected keys are not supported");
      }
      throw keyFile(file, "is not an OpenSSH or PEM private key this client can read");
    } finally {
      java.util.Arrays.fill(bytes, (byte) 0);
    }
    List<KeyPair> list = new ArrayList<>();
    if (pairs != null) {
      pairs.forEach(list::add);
    }
    if (list.isEmpty()) {
      if (askedForPassphrase.get()) {
        throw keyFile(file, "is passphrase-protected; passphrase-protected keys are not supported");
      }
      throw keyFile(file, "holds no private key this client can read (OpenSSH or PEM)");
    }
    return List.copyOf(list);
  }

  private static void checkPermissions(Path file) throws SshFailure {
    PosixFileAttributeView view = Files.getFileAttributeView(file, PosixFileAttributeView.class);
    if (view == null) {
      return; // no POSIX permissions on this file system (Windows): nothing to compare
    }
    Set<PosixFilePermission> permissions;
    try {
      permissions = view.readAttributes().permissions();
    } catch (NoSuchFileException e) {
      throw keyFile(file, "does not exist");
    } catch (IOException e) {
      throw keyFile(file, "cannot be read (" + e.getClass().getSimpleName() + ")");
    }
    if (permissions.stream().anyMatch(GROUP_OR_OTHERS::contains)) {
      throw keyFile(
          file,
          "is accessible by group or others ("
              + PosixFilePermissions.toString(permissions)
              + "); private keys must be private: chmod 600 it");
    }
  }

  /** PEM's "Proc-Type: 4,ENCRYPTED" and PKCS#8's "ENCRYPTED PRIVATE KEY" header. */
  private static boolean mentionsEncryption(byte[] bytes) {
    String head =
        new String(
            bytes, 0, Math.min(bytes.length, 512), java.nio.charset.StandardCharsets.US_ASCII);
    return head.contains("ENCRYPTED");
  }

  private static SshFailure keyFile(Path file, String what) {
    return new SshFailure(SshFailure.Kind.KEY_FILE, "key file " + file + " " + what);
  }
}
