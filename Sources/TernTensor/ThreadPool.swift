import Atomics
import CTernKernels

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// A persistent pool of worker threads for data-parallel kernels.
///
/// A forward pass of a small model runs hundreds of parallel regions per token, so a region must
/// start and finish in microseconds: workers spin on an atomic generation counter for a short
/// while after each region (no syscalls on the hot path) and only fall back to sleeping on a
/// condition variable when the pool stays idle. The calling thread takes part as thread 0.
///
/// `run` is not reentrant and must be called from one thread at a time. Callers that share a pool
/// (several models served at once, each with its engine thread) take turns through `exclusive`,
/// one forward pass at a time, instead of each spinning its own workers on the same cores.
public final class ThreadPool: @unchecked Sendable {
    /// Total threads taking part in a region, including the caller.
    public let threadCount: Int

    // The job of the current region. Written by the caller before publishing a new generation
    // (release) and read by workers after observing it (acquire), so access is ordered.
    private nonisolated(unsafe) var job: ((Int) -> Void)?
    private let generation = ManagedAtomic<UInt64>(0)
    private let remaining = ManagedAtomic<Int>(0)
    private let sleepers = ManagedAtomic<Int>(0)
    private let stopping = ManagedAtomic<Bool>(false)
    private let lock = PThreadMutex()
    private let wake = PThreadCondition()
    private var threads: [pthread_t] = []
    private let turns = TicketLock()

    /// Spin iterations before an idle worker goes to sleep (~100 µs at a few ns per iteration).
    private static let spinLimit = 20_000
    /// Spin iterations before a caller waiting for workers starts yielding its core.
    private static let callerSpinLimit = 4_000

    /// Creates a pool with `threadCount` threads in total (the caller plus `threadCount - 1` workers).
    public init(threadCount: Int) {
        self.threadCount = max(1, threadCount)
        for index in 1..<self.threadCount {
            let context = WorkerContext(pool: self, index: index)
            let box = Unmanaged.passRetained(context).toOpaque()
            var thread = pthread_t()
            let status = pthread_create(
                &thread, nil,
                { raw in
                    let context = Unmanaged<WorkerContext>.fromOpaque(raw!).takeRetainedValue()
                    context.pool.workerLoop(index: context.index)
                    return nil
                }, box)
            if status == 0 { threads.append(thread) } else { Unmanaged<WorkerContext>.fromOpaque(box).release() }
        }
    }

    deinit {
        stopping.store(true, ordering: .sequentiallyConsistent)
        generation.wrappingIncrement(ordering: .sequentiallyConsistent)
        lock.withLock { wake.broadcast() }
        for thread in threads { pthread_join(thread, nil) }
    }

    /// Runs `body` while no other `exclusive` caller runs, in arrival order (first come, first
    /// served, so one busy model cannot starve another).
    public func exclusive<T>(_ body: () throws -> T) rethrows -> T {
        turns.lock()
        defer { turns.unlock() }
        return try body()
    }

    /// Number of threads that actually started (workers that failed to start are skipped).
    public var activeThreadCount: Int { threads.count + 1 }

    /// Runs `body(threadIndex)` once on every thread of the pool (indices `0..<activeThreadCount`)
    /// and returns when all have finished. The caller runs index 0.
    public func run(_ body: (Int) -> Void) {
        let workers = threads.count
        if workers == 0 {
            body(0)
            return
        }
        withoutActuallyEscaping(body) { escapable in
            job = escapable
            remaining.store(workers, ordering: .relaxed)
            generation.wrappingIncrement(ordering: .sequentiallyConsistent)
            if sleepers.load(ordering: .sequentiallyConsistent) > 0 {
                lock.withLock { wake.broadcast() }
            }
            escapable(0)
            // Spin briefly, then yield: on an oversubscribed machine a descheduled worker must get
            // the core back instead of the caller burning it.
            var spins = 0
            while remaining.load(ordering: .acquiring) != 0 {
                spins += 1
                if spins < Self.callerSpinLimit { tern_cpu_relax() } else { sched_yield() }
            }
            job = nil
        }
    }

    /// Splits `0..<count` into contiguous chunks (multiples of `granularity`, except the last)
    /// and runs `body(range)` for each thread's chunk in parallel.
    public func parallelFor(_ count: Int, granularity: Int = 1, _ body: (Range<Int>) -> Void) {
        let threadsInUse = activeThreadCount
        if count <= granularity || threadsInUse == 1 {
            if count > 0 { body(0..<count) }
            return
        }
        let units = (count + granularity - 1) / granularity
        run { index in
            let begin = units * index / threadsInUse * granularity
            let end = min(count, units * (index + 1) / threadsInUse * granularity)
            if begin < end { body(begin..<end) }
        }
    }

    /// Runs `body(item, threadIndex)` for every item in `0..<count`, handing items out one at a
    /// time from a shared counter: for uneven work such as attention over different lengths.
    public func parallelForEach(_ count: Int, _ body: (Int, Int) -> Void) {
        if count == 1 || activeThreadCount == 1 {
            for item in 0..<count { body(item, 0) }
            return
        }
        let next = ManagedAtomic<Int>(0)
        run { thread in
            while true {
                let item = next.loadThenWrappingIncrement(ordering: .relaxed)
                if item >= count { break }
                body(item, thread)
            }
        }
    }

    private func workerLoop(index: Int) {
        var seen: UInt64 = 0
        while true {
            var spins = 0
            var current = generation.load(ordering: .acquiring)
            while current == seen {
                spins += 1
                if spins < Self.spinLimit {
                    tern_cpu_relax()
                } else {
                    lock.withLock {
                        sleepers.wrappingIncrement(ordering: .sequentiallyConsistent)
                        while generation.load(ordering: .sequentiallyConsistent) == seen {
                            wake.wait(lock)
                        }
                        sleepers.wrappingDecrement(ordering: .sequentiallyConsistent)
                    }
                    spins = 0
                }
                current = generation.load(ordering: .acquiring)
            }
            seen = current
            if stopping.load(ordering: .acquiring) { return }
            job?(index)
            remaining.wrappingDecrement(ordering: .releasing)
        }
    }
}

/// What a worker thread needs to find its pool.
private final class WorkerContext {
    let pool: ThreadPool
    let index: Int
    init(pool: ThreadPool, index: Int) {
        self.pool = pool
        self.index = index
    }
}

/// A pthread mutex with a stable address (heap-allocated, as pthread objects must not move).
final class PThreadMutex: @unchecked Sendable {
    let raw = UnsafeMutablePointer<pthread_mutex_t>.allocate(capacity: 1)
    init() { pthread_mutex_init(raw, nil) }
    deinit {
        pthread_mutex_destroy(raw)
        raw.deallocate()
    }
    func withLock<T>(_ body: () throws -> T) rethrows -> T {
        pthread_mutex_lock(raw)
        defer { pthread_mutex_unlock(raw) }
        return try body()
    }
}

/// A first-come-first-served lock: each caller takes a ticket and waits for its number.
final class TicketLock: @unchecked Sendable {
    private let mutex = PThreadMutex()
    private let condition = PThreadCondition()
    private var nextTicket: UInt64 = 0
    private var serving: UInt64 = 0

    func lock() {
        mutex.withLock {
            let ticket = nextTicket
            nextTicket += 1
            while serving != ticket { condition.wait(mutex) }
        }
    }

    func unlock() {
        mutex.withLock {
            serving += 1
            condition.broadcast()
        }
    }
}

/// A pthread condition variable paired with `PThreadMutex`.
final class PThreadCondition: @unchecked Sendable {
    let raw = UnsafeMutablePointer<pthread_cond_t>.allocate(capacity: 1)
    init() { pthread_cond_init(raw, nil) }
    deinit {
        pthread_cond_destroy(raw)
        raw.deallocate()
    }
    func wait(_ mutex: PThreadMutex) { pthread_cond_wait(raw, mutex.raw) }
    func broadcast() { pthread_cond_broadcast(raw) }
}
