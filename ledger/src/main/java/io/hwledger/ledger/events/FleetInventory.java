package io.hwledger.ledger.events;

import io.hwledger.ledger.Projection;
import io.hwledger.ledger.Projections;
import io.hwledger.ledger.RecordedEvent;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.TreeMap;

/**
 * The fleet as the ledger describes it after some prefix of its records: every device with its
 * registration, its latest telemetry and the jobs running on it. An immutable snapshot; {@link
 * #projection()} folds events into it.
 *
 * <p>What each event does:
 *
 * <ul>
 *   <li>{@value DeviceRegistered#TYPE} sets the device's registration (a later one replaces it,
 *       keeping telemetry and jobs);
 *   <li>{@value TelemetrySampled#TYPE} replaces the device's latest telemetry, kept with the
 *       record's sequence number and time;
 *   <li>{@value JobDispatched#TYPE} starts the job on each of its devices (dispatching a running
 *       job id again replaces that job);
 *   <li>{@value JobFinished#TYPE} removes the job from its devices; finishing a job that is not
 *       running changes nothing.
 * </ul>
 *
 * A device named by telemetry or a dispatch before (or without) its registration is listed with an
 * empty {@link Device#registration()}. Plan events are read by other projections and pass through
 * this one.
 *
 * <p>Nothing in a ledger makes replay fail. An event of a type this build does not know, or of a
 * schema version newer than it reads, is skipped and counted in {@link #skippedEvents()}: ledgers
 * written by newer builds stay readable. An event of a known type and supported version whose
 * payload does not decode (see each event's {@code from}) is skipped too and counted separately in
 * {@link #invalidEvents()}, since it means the writer was wrong rather than newer.
 *
 * <p>Each event costs a copy of the device map, O(devices); fine for fleets of thousands.
 */
public final class FleetInventory {

  private static final FleetInventory EMPTY =
      new FleetInventory(new TreeMap<>(), new LinkedHashMap<>(), 0, 0, 0, -1);

  private static final Projection<FleetInventory> PROJECTION =
      new Projection<>() {
        @Override
        public FleetInventory initial() {
          return EMPTY;
        }

        @Override
        public FleetInventory apply(FleetInventory state, RecordedEvent event) {
          return state.apply(event);
        }
      };

  private final Map<String, Device> devices;
  private final Map<String, JobDispatched> runningJobs;
  private final long appliedEvents;
  private final long skippedEvents;
  private final long invalidEvents;
  private final long lastSeq;

  /** Takes ownership of the maps: a {@link TreeMap} and a {@link LinkedHashMap}. */
  private FleetInventory(
      Map<String, Device> devices,
      Map<String, JobDispatched> runningJobs,
      long appliedEvents,
      long skippedEvents,
      long invalidEvents,
      long lastSeq) {
    this.devices = Collections.unmodifiableMap(devices);
    this.runningJobs = Collections.unmodifiableMap(runningJobs);
    this.appliedEvents = appliedEvents;
    this.skippedEvents = skippedEvents;
    this.invalidEvents = invalidEvents;
    this.lastSeq = lastSeq;
  }

  /**
   * The inventory before any event.
   *
   * @return no devices, no jobs, every counter 0, no last sequence number
   */
  public static FleetInventory empty() {
    return EMPTY;
  }

  /**
   * The projection that folds events into an inventory, starting from {@link #empty()}.
   *
   * @return a stateless, shared projection, e.g. for {@link io.hwledger.ledger.Ledger#replay}
   */
  public static Projection<FleetInventory> projection() {
    return PROJECTION;
  }

  /**
   * The inventory after {@code events}.
   *
   * @param events in strictly increasing sequence order
   * @return the inventory after the last event
   * @throws IllegalArgumentException if the sequence numbers do not strictly increase
   */
  public static FleetInventory replay(Iterable<RecordedEvent> events) {
    return Projections.replay(events, PROJECTION);
  }

  /**
   * Every device any event has named.
   *
   * @return an unmodifiable map by device id, in ascending order
   */
  public Map<String, Device> devices() {
    return devices;
  }

  /**
   * One device.
   *
   * @param deviceId the device's stable identity
   * @return the device, or empty if no applied event has named it
   */
  public Optional<Device> device(String deviceId) {
    return Optional.ofNullable(devices.get(Objects.requireNonNull(deviceId, "deviceId")));
  }

  /**
   * The jobs dispatched and not yet finished.
   *
   * @return an unmodifiable map by job id, in dispatch order
   */
  public Map<String, JobDispatched> runningJobs() {
    return runningJobs;
  }

  /**
   * Device, telemetry and job events this inventory decoded and applied. Plan events of a supported
   * version pass through uncounted: not here, nor as skipped or invalid.
   *
   * @return the count
   */
  public long appliedEvents() {
    return appliedEvents;
  }

  /**
   * Events skipped because their type is unknown or their schema version newer than supported.
   *
   * @return the count
   */
  public long skippedEvents() {
    return skippedEvents;
  }

  /**
   * Events of a known type and supported version skipped because their payload did not decode.
   *
   * @return the count
   */
  public long invalidEvents() {
    return invalidEvents;
  }

  /**
   * The sequence number of the last event replayed into this inventory, of any type.
   *
   * @return the sequence number, or empty before any event
   */
  public OptionalLong lastSeq() {
    return lastSeq < 0 ? OptionalLong.empty() : OptionalLong.of(lastSeq);
  }

  private FleetInventory apply(RecordedEvent event) {
    int supported = supportedVersion(event.type());
    if (supported == 0 || event.schemaVersion() > supported) {
      return counted(event, 0, 1, 0);
    }
    try {
      return switch (event.type()) {
        case DeviceRegistered.TYPE -> registered(DeviceRegistered.from(event), event);
        case TelemetrySampled.TYPE -> sampled(TelemetrySampled.from(event), event);
        case JobDispatched.TYPE -> dispatched(JobDispatched.from(event), event);
        case JobFinished.TYPE -> finished(JobFinished.from(event), event);
        // Known, but about plans rather than the fleet.
        default -> counted(event, 0, 0, 0);
      };
    } catch (IllegalArgumentException invalid) {
      return counted(event, 0, 0, 1);
    }
  }

  private static int supportedVersion(String type) {
    return switch (type) {
      case DeviceRegistered.TYPE -> DeviceRegistered.SCHEMA_VERSION;
      case TelemetrySampled.TYPE -> TelemetrySampled.SCHEMA_VERSION;
      case JobDispatched.TYPE -> JobDispatched.SCHEMA_VERSION;
      case JobFinished.TYPE -> JobFinished.SCHEMA_VERSION;
      case PlanComputed.TYPE -> PlanComputed.SCHEMA_VERSION;
      case PlanReconciled.TYPE -> PlanReconciled.SCHEMA_VERSION;
      default -> 0;
    };
  }

  private FleetInventory counted(RecordedEvent event, int applied, int skipped, int invalid) {
    return new FleetInventory(
        new TreeMap<>(devices),
        new LinkedHashMap<>(runningJobs),
        appliedEvents + applied,
        skippedEvents + skipped,
        invalidEvents + invalid,
        event.seq());
  }

  private FleetInventory registered(DeviceRegistered registration, RecordedEvent event) {
    var next = new TreeMap<>(devices);
    Device current = deviceOrNew(registration.deviceId());
    next.put(
        registration.deviceId(),
        new Device(
            registration.deviceId(),
            Optional.of(registration),
            current.telemetry(),
            current.runningJobIds()));
    return withDevices(next, new LinkedHashMap<>(runningJobs), event);
  }

  private FleetInventory sampled(TelemetrySampled sample, RecordedEvent event) {
    var next = new TreeMap<>(devices);
    Device current = deviceOrNew(sample.deviceId());
    next.put(
        sample.deviceId(),
        new Device(
            sample.deviceId(),
            current.registration(),
            Optional.of(new Telemetry(event.seq(), event.timestamp(), sample)),
            current.runningJobIds()));
    return withDevices(next, new LinkedHashMap<>(runningJobs), event);
  }

  private FleetInventory dispatched(JobDispatched job, RecordedEvent event) {
    var nextDevices = new TreeMap<>(devices);
    var nextJobs = new LinkedHashMap<>(runningJobs);
    JobDispatched previous = nextJobs.remove(job.jobId());
    if (previous != null) {
      removeJob(previous, nextDevices);
    }
    nextJobs.put(job.jobId(), job);
    for (String deviceId : job.deviceIds()) {
      Device current = nextDevices.getOrDefault(deviceId, newDevice(deviceId));
      var jobs = new ArrayList<>(current.runningJobIds());
      jobs.add(job.jobId());
      nextDevices.put(
          deviceId, new Device(deviceId, current.registration(), current.telemetry(), jobs));
    }
    return withDevices(nextDevices, nextJobs, event);
  }

  private FleetInventory finished(JobFinished finish, RecordedEvent event) {
    var nextDevices = new TreeMap<>(devices);
    var nextJobs = new LinkedHashMap<>(runningJobs);
    JobDispatched job = nextJobs.remove(finish.jobId());
    if (job != null) {
      removeJob(job, nextDevices);
    }
    return withDevices(nextDevices, nextJobs, event);
  }

  private static void removeJob(JobDispatched job, Map<String, Device> devices) {
    for (String deviceId : job.deviceIds()) {
      Device current = devices.get(deviceId);
      if (current != null) {
        var jobs = new ArrayList<>(current.runningJobIds());
        jobs.remove(job.jobId());
        devices.put(
            deviceId, new Device(deviceId, current.registration(), current.telemetry(), jobs));
      }
    }
  }

  private Device deviceOrNew(String deviceId) {
    Device current = devices.get(deviceId);
    return current != null ? current : newDevice(deviceId);
  }

  private static Device newDevice(String deviceId) {
    return new Device(deviceId, Optional.empty(), Optional.empty(), List.of());
  }

  private FleetInventory withDevices(
      Map<String, Device> nextDevices, Map<String, JobDispatched> nextJobs, RecordedEvent event) {
    return new FleetInventory(
        nextDevices, nextJobs, appliedEvents + 1, skippedEvents, invalidEvents, event.seq());
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof FleetInventory other
        && appliedEvents == other.appliedEvents
        && skippedEvents == other.skippedEvents
        && invalidEvents == other.invalidEvents
        && lastSeq == other.lastSeq
        && devices.equals(other.devices)
        && runningJobs.equals(other.runningJobs);
  }

  @Override
  public int hashCode() {
    return Objects.hash(devices, runningJobs, appliedEvents, skippedEvents, invalidEvents, lastSeq);
  }

  @Override
  public String toString() {
    return "FleetInventory[devices="
        + devices.values()
        + ", runningJobs="
        + runningJobs.keySet()
        + ", applied="
        + appliedEvents
        + ", skipped="
        + skippedEvents
        + ", invalid="
        + invalidEvents
        + ", lastSeq="
        + lastSeq
        + "]";
  }

  /**
   * One device of the fleet.
   *
   * @param deviceId the device's stable identity
   * @param registration its latest {@link DeviceRegistered} event; empty if the ledger names the
   *     device without having registered it
   * @param telemetry its latest telemetry sample; empty if it has reported none
   * @param runningJobIds the jobs running on it, in dispatch order
   */
  public record Device(
      String deviceId,
      Optional<DeviceRegistered> registration,
      Optional<Telemetry> telemetry,
      List<String> runningJobIds) {

    /**
     * Validates and copies.
     *
     * @param deviceId the device's stable identity, not empty
     * @param registration its latest registration; empty if never registered
     * @param telemetry its latest sample; empty if none
     * @param runningJobIds the jobs running on it, in dispatch order; copied
     * @throws IllegalArgumentException if {@code deviceId} is empty
     */
    public Device {
      EventJson.nonEmpty(deviceId, "deviceId");
      Objects.requireNonNull(registration, "registration");
      Objects.requireNonNull(telemetry, "telemetry");
      runningJobIds = List.copyOf(runningJobIds);
    }
  }

  /**
   * A telemetry sample with the record that carried it.
   *
   * @param seq the sample's sequence number in the ledger
   * @param timestamp when the sample was appended
   * @param sample the sample
   */
  public record Telemetry(long seq, Instant timestamp, TelemetrySampled sample) {

    /**
     * Checks that no argument is null.
     *
     * @param seq the sample's sequence number
     * @param timestamp when it was appended
     * @param sample the sample
     */
    public Telemetry {
      Objects.requireNonNull(timestamp, "timestamp");
      Objects.requireNonNull(sample, "sample");
    }
  }
}
