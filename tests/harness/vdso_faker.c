/* A vDSO faker, as Chaos Mesh's TimeChaos is: the process's own vDSO entries for the wall
   clock are overwritten with a jump to code that makes the system call and adds an offset.
   x86_64 only. At load when VDSO_FAKER_OFFSET is set (seconds); or later, vdso_fake(offset). */
#define _GNU_SOURCE
#include <elf.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/auxv.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

static long offset;

static int fake_clock_gettime(clockid_t id, struct timespec *ts) {
    long r = syscall(SYS_clock_gettime, id, ts);
    if (r == 0 && (id == CLOCK_REALTIME || id == CLOCK_REALTIME_COARSE)) ts->tv_sec += offset;
    return (int)r;
}
static int fake_gettimeofday(struct timeval *tv, void *tz) {
    long r = syscall(SYS_gettimeofday, tv, tz);
    if (r == 0 && tv) tv->tv_sec += offset;
    return (int)r;
}
static time_t fake_time(time_t *t) {
    time_t now = (time_t)syscall(SYS_time, NULL) + offset;
    if (t) *t = now;
    return now;
}

static void *vdso_symbol(const char *name) {
    uintptr_t base = getauxval(AT_SYSINFO_EHDR);
    if (!base) return NULL;
    Elf64_Ehdr *eh = (Elf64_Ehdr *)base;
    Elf64_Phdr *ph = (Elf64_Phdr *)(base + eh->e_phoff);
    uintptr_t load = 0; Elf64_Dyn *dyn = NULL;
    for (int i = 0; i < eh->e_phnum; i++) {
        if (ph[i].p_type == PT_LOAD && !load) load = base + ph[i].p_offset - ph[i].p_vaddr;
        if (ph[i].p_type == PT_DYNAMIC) dyn = (Elf64_Dyn *)(base + ph[i].p_offset);
    }
    Elf64_Sym *sym = NULL; const char *str = NULL; uint32_t *hash = NULL;
    for (; dyn && dyn->d_tag != DT_NULL; dyn++) {
        if (dyn->d_tag == DT_SYMTAB) sym = (Elf64_Sym *)(load + dyn->d_un.d_ptr);
        if (dyn->d_tag == DT_STRTAB) str = (const char *)(load + dyn->d_un.d_ptr);
        if (dyn->d_tag == DT_HASH) hash = (uint32_t *)(load + dyn->d_un.d_ptr);
    }
    if (!sym || !str || !hash) return NULL;
    for (uint32_t i = 0; i < hash[1]; i++)
        if (sym[i].st_name && strcmp(str + sym[i].st_name, name) == 0 && sym[i].st_value)
            return (void *)(load + sym[i].st_value);
    return NULL;
}

static int overwrite(const char *name, void *target) {
    unsigned char *entry = vdso_symbol(name);
    if (!entry) return -1;
    long page = sysconf(_SC_PAGESIZE);
    uintptr_t start = (uintptr_t)entry & ~(uintptr_t)(page - 1);
    if (mprotect((void *)start, 2 * page, PROT_READ | PROT_WRITE | PROT_EXEC) != 0) return -2;
    /* movabs rax, target; jmp rax */
    entry[0] = 0x48; entry[1] = 0xb8; memcpy(entry + 2, &target, 8);
    entry[10] = 0xff; entry[11] = 0xe0;
    mprotect((void *)start, 2 * page, PROT_READ | PROT_EXEC);
    return 0;
}

int vdso_fake(long seconds) {
    offset = seconds;
    int r = overwrite("__vdso_clock_gettime", (void *)fake_clock_gettime);
    if (r) return r;
    if ((r = overwrite("__vdso_gettimeofday", (void *)fake_gettimeofday))) return r;
    return overwrite("__vdso_time", (void *)fake_time);
}

__attribute__((constructor)) static void at_load(void) {
    const char *value = getenv("VDSO_FAKER_OFFSET");
    if (value && *value) vdso_fake(strtol(value, NULL, 10));
}
