#ifndef TERN_CPU_H
#define TERN_CPU_H

/// A hint to the CPU that the caller is spinning on a shared variable (x86 PAUSE), so a
/// busy-waiting thread-pool worker yields pipeline resources to its sibling hyperthread.
static inline void tern_cpu_relax(void) {
#if defined(__x86_64__) || defined(__i386__)
    __builtin_ia32_pause();
#elif defined(__aarch64__)
    __asm__ __volatile__("yield");
#endif
}

#endif
