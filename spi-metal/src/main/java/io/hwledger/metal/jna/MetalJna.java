package io.hwledger.metal.jna;

import com.sun.jna.Function;
import com.sun.jna.NativeLibrary;
import com.sun.jna.Pointer;
import io.hwledger.metal.MetalDevice;
import io.hwledger.metal.MetalReading;
import io.hwledger.spi.BackendException;
import java.nio.charset.StandardCharsets;
import java.util.OptionalLong;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Metal's default device through the Objective-C runtime: {@code MTLCreateSystemDefaultDevice} from
 * the Metal framework, then {@code objc_msgSend} with selectors from {@code sel_registerName}.
 * {@code objc_msgSend} is called through a JNA {@link Function} with the exact fixed argument list
 * of each selector (it must not be called as a variadic function on arm64). macOS only; nothing
 * loads until {@link #openDefaultDevice()} is first called.
 */
public final class MetalJna {
  private static final Logger LOG = LoggerFactory.getLogger(MetalJna.class);

  private static final String METAL = "/System/Library/Frameworks/Metal.framework/Metal";
  private static final String CORE_GRAPHICS =
      "/System/Library/Frameworks/CoreGraphics.framework/CoreGraphics";

  private MetalJna() {}

  /** The native entry points, loaded on first use; {@link #ERROR} says why not if they failed. */
  private static final class Holder {
    static final Function OBJC_GET_CLASS;
    static final Function SEL_REGISTER_NAME;
    static final Function OBJC_MSG_SEND;
    static final Function MTL_CREATE_SYSTEM_DEFAULT_DEVICE;
    static final String ERROR;

    static {
      Function getClass = null;
      Function selRegisterName = null;
      Function msgSend = null;
      Function createDevice = null;
      String error = null;
      try {
        NativeLibrary objc = NativeLibrary.getInstance("objc");
        getClass = objc.getFunction("objc_getClass");
        selRegisterName = objc.getFunction("sel_registerName");
        msgSend = objc.getFunction("objc_msgSend");
        try {
          // Without CoreGraphics a command-line process may get no device on Macs with
          // switchable GPUs; loading it is harmless elsewhere.
          NativeLibrary.getInstance(CORE_GRAPHICS);
        } catch (UnsatisfiedLinkError e) {
          LOG.debug("CoreGraphics not loaded: {}", e.getMessage());
        }
        createDevice = NativeLibrary.getInstance(METAL).getFunction("MTLCreateSystemDefaultDevice");
      } catch (UnsatisfiedLinkError | NoClassDefFoundError e) {
        error = "cannot load the Objective-C runtime or Metal: " + e.getMessage();
        LOG.debug("{}", error);
      }
      OBJC_GET_CLASS = getClass;
      SEL_REGISTER_NAME = selRegisterName;
      OBJC_MSG_SEND = msgSend;
      MTL_CREATE_SYSTEM_DEFAULT_DEVICE = createDevice;
      ERROR = error;
    }

    private Holder() {}
  }

  /**
   * Opens Metal's default device.
   *
   * @return an open device; the caller closes it
   * @throws BackendException of kind UNAVAILABLE if the runtime cannot load or there is no device
   */
  public static MetalDevice openDefaultDevice() {
    if (Holder.ERROR != null) {
      throw new BackendException(BackendException.Kind.UNAVAILABLE, Holder.ERROR);
    }
    Pointer device = Holder.MTL_CREATE_SYSTEM_DEFAULT_DEVICE.invokePointer(new Object[0]);
    if (device == null) {
      throw new BackendException(
          BackendException.Kind.UNAVAILABLE, "MTLCreateSystemDefaultDevice returned nil");
    }
    return new NativeDevice(device);
  }

  private static Pointer sel(String name) {
    return Holder.SEL_REGISTER_NAME.invokePointer(new Object[] {name});
  }

  private static Pointer sendPointer(Pointer receiver, Pointer selector) {
    return Holder.OBJC_MSG_SEND.invokePointer(new Object[] {receiver, selector});
  }

  private static long sendUnsignedLongLong(Pointer receiver, Pointer selector) {
    return Holder.OBJC_MSG_SEND.invokeLong(new Object[] {receiver, selector});
  }

  /** A BOOL is one byte (a C bool on arm64): only the low 8 bits of the result are defined. */
  private static boolean sendBool(Pointer receiver, Pointer selector, Object... args) {
    Object[] all = new Object[2 + args.length];
    all[0] = receiver;
    all[1] = selector;
    System.arraycopy(args, 0, all, 2, args.length);
    return (Holder.OBJC_MSG_SEND.invokeInt(all) & 0xff) != 0;
  }

  private static void sendVoid(Pointer receiver, Pointer selector) {
    Holder.OBJC_MSG_SEND.invokeVoid(new Object[] {receiver, selector});
  }

  /** An {@code id<MTLDevice>} we own (Create rule): released once, on close. */
  private static final class NativeDevice implements MetalDevice {
    private final Pointer device;
    private final String name;
    private final boolean unified;
    private final boolean hasWorkingSet;
    private final boolean hasAllocated;
    private final Pointer workingSetSel = sel("recommendedMaxWorkingSetSize");
    private final Pointer allocatedSel = sel("currentAllocatedSize");
    private final AtomicBoolean closed = new AtomicBoolean();

    NativeDevice(Pointer device) {
      this.device = device;
      Pointer responds = sel("respondsToSelector:");
      this.hasWorkingSet = sendBool(device, responds, workingSetSel);
      this.hasAllocated = sendBool(device, responds, allocatedSel);
      Pointer unifiedSel = sel("hasUnifiedMemory");
      this.unified = sendBool(device, responds, unifiedSel) && sendBool(device, unifiedSel);
      this.name = readName(device);
    }

    /** {@code device.name.UTF8String}, copied inside an autorelease pool that is then drained. */
    private static String readName(Pointer device) {
      Pointer poolClass = Holder.OBJC_GET_CLASS.invokePointer(new Object[] {"NSAutoreleasePool"});
      Pointer pool =
          poolClass == null ? null : sendPointer(sendPointer(poolClass, sel("alloc")), sel("init"));
      try {
        Pointer nsName = sendPointer(device, sel("name"));
        Pointer utf8 = nsName == null ? null : sendPointer(nsName, sel("UTF8String"));
        return utf8 == null ? "Apple GPU" : utf8.getString(0, StandardCharsets.UTF_8.name());
      } finally {
        if (pool != null) {
          sendVoid(pool, sel("drain"));
        }
      }
    }

    @Override
    public String name() {
      return name;
    }

    @Override
    public boolean hasUnifiedMemory() {
      return unified;
    }

    @Override
    public MetalReading read() {
      if (closed.get()) {
        throw new IllegalStateException("Metal device released");
      }
      return new MetalReading(
          hasWorkingSet
              ? unsigned(sendUnsignedLongLong(device, workingSetSel))
              : OptionalLong.empty(),
          hasAllocated
              ? unsigned(sendUnsignedLongLong(device, allocatedSel))
              : OptionalLong.empty());
    }

    /** An unsigned long long beyond {@code Long.MAX_VALUE} is not a real size: absent. */
    private static OptionalLong unsigned(long v) {
      return v >= 0 ? OptionalLong.of(v) : OptionalLong.empty();
    }

    @Override
    public void close() {
      if (closed.compareAndSet(false, true)) {
        sendVoid(device, sel("release"));
      }
    }
  }
}
