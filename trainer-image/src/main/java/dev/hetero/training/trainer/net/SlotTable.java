package dev.hetero.training.trainer.net;

import java.util.Collection;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * The coordinator server's slots by worker name. A retired worker's slot stays, to hand it its
 * farewell. Not thread-safe: the server calls it under its own lock.
 */
final class SlotTable {
  private final Map<String, Slot> byName = new LinkedHashMap<>();
  /** Names not in the running plan that were told to wait, logged once each. */
  private final Set<String> toldToWait = new HashSet<>();

  /** The slot of a worker of the running plan, at this rank: new, or a retired one taken back. */
  Slot take(String name, int rank) {
    Slot s = byName.get(name);
    if (s == null || s.retired) {
      // a worker back in the plan after it left is a new pod: nothing of the old connection applies (a slot
      // still marked as joined would make every round wait the pickup time for a process that is starting)
      s = new Slot(name);
      byName.put(name, s);
    }
    s.rank = rank;
    return s;
  }

  Slot get(String name) {
    return byName.get(name);
  }

  Collection<Slot> all() {
    return byName.values();
  }

  /** The current ranks of the running plan's remote workers that polled at least once. */
  Set<Integer> joined() {
    Set<Integer> out = new TreeSet<>();
    for (Slot s : byName.values()) {
      if (s.joined && !s.retired) {
        out.add(s.rank);
      }
    }
    return out;
  }

  boolean everyoneJoined() {
    return byName.values().stream().noneMatch(s -> !s.retired && !s.joined);
  }

  /** True the first time {@code name} is told to wait. */
  boolean firstWait(String name) {
    return toldToWait.add(name);
  }
}
