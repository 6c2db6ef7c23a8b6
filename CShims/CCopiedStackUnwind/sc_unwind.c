#define _GNU_SOURCE
#include "sc_unwind.h"

#include <elf.h>
#include <fcntl.h>
#include <libunwind.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

// Exported by libunwind-x86_64 but not declared in its public headers.
extern int _Ux86_64_dwarf_search_unwind_table(unw_addr_space_t as, unw_word_t ip, unw_dyn_info_t *di,
                                              unw_proc_info_t *pi, int need_unwind_info, void *arg);

enum { SC_FILE_CACHE = 64 };

typedef struct sc_file {
    char *path;
    const uint8_t *map;
    size_t size;
} sc_file;

struct sc_unwinder {
    unw_addr_space_t as;
    uint64_t generation;
    sc_file files[SC_FILE_CACHE];
    int nfiles;
};

typedef struct sc_unwind_ctx {
    sc_unwinder *u;
    const uint64_t *regs;
    const uint8_t *stack;
    uint64_t stack_base;
    size_t stack_len;
    const sc_mapping *maps;
    size_t nmaps;
    int read_past_end;
} sc_unwind_ctx;

// The whole file, mapped read-only once per unwinder.
static const sc_file *file_get(sc_unwinder *u, const char *path) {
    for (int i = 0; i < u->nfiles; i++)
        if (strcmp(u->files[i].path, path) == 0) return u->files[i].map ? &u->files[i] : NULL;
    if (u->nfiles == SC_FILE_CACHE) return NULL;
    sc_file *f = &u->files[u->nfiles++];
    f->path = strdup(path);
    f->map = NULL;
    f->size = 0;
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) return NULL;
    struct stat st;
    if (fstat(fd, &st) == 0 && st.st_size > 0) {
        void *m = mmap(NULL, (size_t)st.st_size, PROT_READ, MAP_PRIVATE, fd, 0);
        if (m != MAP_FAILED) {
            f->map = m;
            f->size = (size_t)st.st_size;
        }
    }
    close(fd);
    return f->map ? f : NULL;
}

static const sc_mapping *mapping_of(const sc_unwind_ctx *c, uint64_t addr, int executable) {
    for (size_t i = 0; i < c->nmaps; i++) {
        const sc_mapping *m = &c->maps[i];
        if (addr >= m->start && addr < m->end && (!executable || m->executable)) return m;
    }
    return NULL;
}

static int access_mem(unw_addr_space_t as, unw_word_t addr, unw_word_t *val, int write, void *arg) {
    (void)as;
    sc_unwind_ctx *c = arg;
    if (write) return -UNW_EINVAL;
    if (addr >= c->stack_base && addr - c->stack_base + 8 <= c->stack_len) {
        memcpy(val, c->stack + (addr - c->stack_base), 8);
        return 0;
    }
    // Unwind tables and code live in the mapped files: read them there.
    const sc_mapping *m = mapping_of(c, addr, 0);
    if (m && m->path && m->path[0] == '/') {
        const sc_file *f = file_get(c->u, m->path);
        uint64_t off = addr - m->start + m->offset;
        if (f && off + 8 <= f->size) {
            memcpy(val, f->map + off, 8);
            return 0;
        }
    }
    if (addr >= c->stack_base + c->stack_len && addr < c->stack_base + c->stack_len + (8u << 20)) c->read_past_end = 1;
    return -UNW_EINVAL;
}

static int access_reg(unw_addr_space_t as, unw_regnum_t reg, unw_word_t *val, int write, void *arg) {
    (void)as;
    sc_unwind_ctx *c = arg;
    if (write || reg < 0 || reg > UNW_X86_64_RIP) return -UNW_EBADREG;
    *val = c->regs[reg];  // libunwind's x86_64 numbering is the DWARF order
    return 0;
}

static int access_fpreg(unw_addr_space_t as, unw_regnum_t reg, unw_fpreg_t *val, int write, void *arg) {
    (void)as; (void)reg; (void)val; (void)write; (void)arg;
    return -UNW_EBADREG;
}

static int resume(unw_addr_space_t as, unw_cursor_t *cursor, void *arg) {
    (void)as; (void)cursor; (void)arg;
    return -UNW_EINVAL;
}

static int get_dyn_info_list_addr(unw_addr_space_t as, unw_word_t *addr, void *arg) {
    (void)as; (void)addr; (void)arg;
    return -UNW_ENOINFO;
}

static void put_unwind_info(unw_addr_space_t as, unw_proc_info_t *pi, void *arg) {
    (void)as; (void)pi; (void)arg;  // libunwind keeps table-format unwind info in its own pool
}

static int get_proc_name(unw_addr_space_t as, unw_word_t addr, char *buf, size_t len, unw_word_t *off, void *arg) {
    (void)as; (void)addr; (void)buf; (void)len; (void)off; (void)arg;
    return -UNW_ENOINFO;  // symbols come from libdw
}

// Size of a DW_EH_PE-encoded value in .eh_frame_hdr (the encodings linkers emit there).
static int encoded_size(uint8_t enc) {
    switch (enc & 0x0f) {
    case 0x02: case 0x0a: return 2;
    case 0x03: case 0x0b: return 4;
    case 0x04: case 0x0c: return 8;
    default: return -1;
    }
}

static int find_proc_info(unw_addr_space_t as, unw_word_t ip, unw_proc_info_t *pi, int need, void *arg) {
    sc_unwind_ctx *c = arg;
    const sc_mapping *m = mapping_of(c, ip, 1);
    if (!m || !m->path || m->path[0] != '/') return -UNW_ENOINFO;
    const sc_file *f = file_get(c->u, m->path);
    if (!f || f->size < sizeof(Elf64_Ehdr)) return -UNW_ENOINFO;
    const Elf64_Ehdr *eh = (const Elf64_Ehdr *)f->map;
    if (memcmp(eh->e_ident, ELFMAG, SELFMAG) != 0 || eh->e_ident[EI_CLASS] != ELFCLASS64) return -UNW_ENOINFO;
    if (eh->e_phoff + (uint64_t)eh->e_phnum * sizeof(Elf64_Phdr) > f->size) return -UNW_ENOINFO;
    const Elf64_Phdr *ph = (const Elf64_Phdr *)(f->map + eh->e_phoff);
    // Load bias: the segment holding this mapping's file offset tells where vaddr 0 went.
    int64_t bias = 0;
    int have_bias = 0;
    const Elf64_Phdr *hdr = NULL;
    for (int i = 0; i < eh->e_phnum; i++) {
        if (ph[i].p_type == PT_LOAD && m->offset >= ph[i].p_offset && m->offset < ph[i].p_offset + ph[i].p_filesz) {
            bias = (int64_t)(m->start - (ph[i].p_vaddr + (m->offset - ph[i].p_offset)));
            have_bias = 1;
        }
        if (ph[i].p_type == PT_GNU_EH_FRAME) hdr = &ph[i];
    }
    if (!have_bias || !hdr || hdr->p_offset + 12 > f->size) return -UNW_ENOINFO;
    const uint8_t *h = f->map + hdr->p_offset;
    if (h[0] != 1) return -UNW_ENOINFO;
    uint8_t ptr_enc = h[1], count_enc = h[2], table_enc = h[3];
    int ps = encoded_size(ptr_enc), cs = encoded_size(count_enc);
    if (ps < 0 || cs != 4 || table_enc != 0x3b) return -UNW_ENOINFO;  // binary search table: datarel sdata4
    uint32_t fde_count;
    memcpy(&fde_count, h + 4 + ps, 4);
    unw_word_t hdr_addr = (unw_word_t)(bias + (int64_t)hdr->p_vaddr);
    unw_dyn_info_t di;
    memset(&di, 0, sizeof di);
    di.start_ip = m->start;
    di.end_ip = m->end;
    di.format = UNW_INFO_FORMAT_REMOTE_TABLE;
    di.u.rti.name_ptr = 0;
    di.u.rti.segbase = hdr_addr;
    di.u.rti.table_len = (fde_count * 8) / sizeof(unw_word_t);
    di.u.rti.table_data = hdr_addr + 4 + (unw_word_t)ps + 4;
    return _Ux86_64_dwarf_search_unwind_table(as, ip, &di, pi, need, arg);
}

static unw_accessors_t accessors = {
    .find_proc_info = find_proc_info,
    .put_unwind_info = put_unwind_info,
    .get_dyn_info_list_addr = get_dyn_info_list_addr,
    .access_mem = access_mem,
    .access_reg = access_reg,
    .access_fpreg = access_fpreg,
    .resume = resume,
    .get_proc_name = get_proc_name,
};

sc_unwinder *sc_unwinder_create(void) {
    sc_unwinder *u = calloc(1, sizeof *u);
    if (!u) return NULL;
    u->as = unw_create_addr_space(&accessors, 0);
    if (!u->as) { free(u); return NULL; }
    unw_set_caching_policy(u->as, UNW_CACHE_GLOBAL);
    return u;
}

void sc_unwinder_destroy(sc_unwinder *u) {
    if (!u) return;
    unw_destroy_addr_space(u->as);
    for (int i = 0; i < u->nfiles; i++) {
        if (u->files[i].map) munmap((void *)u->files[i].map, u->files[i].size);
        free(u->files[i].path);
    }
    free(u);
}

int sc_unwind_libunwind(sc_unwinder *u, const uint64_t regs[17], const void *stack, size_t stack_len,
                        const sc_mapping *maps, size_t nmaps, uint64_t generation,
                        uint64_t *pcs, uint8_t *activation, int max, int *stop, char *why, size_t why_len) {
    sc_unwind_ctx c = {u, regs, stack, regs[7], stack_len, maps, nmaps, 0};
    if (why_len) why[0] = 0;
    if (generation != u->generation) {
        // Other modules at the same addresses: cached unwind info no longer applies.
        unw_flush_cache(u->as, 0, 0);
        u->generation = generation;
    }
    unw_cursor_t cursor;
    int r = unw_init_remote(&cursor, u->as, &c);
    if (r < 0) {
        *stop = SC_UNWIND_ERROR;
        snprintf(why, why_len, "libunwind: %s", unw_strerror(r));
        return 0;
    }
    int n = 0;
    uint64_t sps[1024];
    int prev_signal = 0;
    *stop = SC_UNWIND_END;
    while (n < max) {
        unw_word_t ip = 0, sp = 0;
        unw_get_reg(&cursor, UNW_REG_IP, &ip);
        unw_get_reg(&cursor, UNW_REG_SP, &sp);
        for (int i = 0; i < n && i < 1024; i++) {
            if (pcs[i] == ip && sps[i] == sp) { *stop = SC_UNWIND_REPEAT; return n; }
        }
        if (n > 0 && n <= 1024 && sp < sps[n - 1]) { *stop = SC_UNWIND_SP_DOWN; return n; }
        pcs[n] = ip;
        activation[n] = (n == 0 || prev_signal) ? 1 : 0;
        if (n < 1024) sps[n] = sp;
        n++;
        prev_signal = unw_is_signal_frame(&cursor) > 0;
        r = unw_step(&cursor);
        if (r == 0) {
            if (c.read_past_end) *stop = SC_UNWIND_COPY_END;
            return n;
        }
        if (r < 0) {
            *stop = c.read_past_end ? SC_UNWIND_COPY_END : SC_UNWIND_ERROR;
            snprintf(why, why_len, "libunwind: %s", unw_strerror(r));
            return n;
        }
    }
    *stop = SC_UNWIND_MAX_FRAMES;
    return n;
}
