// A CoreMark-like mixed workload, written for weft: linked-list search, reversal and
// merge sort, an integer matrix kernel, and a state machine that classifies tokens, with
// the results folded into a CRC-16 as CoreMark does. Not CoreMark itself; the same mix.
#include "common.h"

// ---- CRC-16 (CCITT), used to fold every result ------------------------------------------
static uint16_t crc16(uint16_t crc, uint32_t value) {
  for (int i = 0; i < 32; ++i) {
    uint16_t bit = (uint16_t)(((crc >> 15) ^ (value >> (31 - i))) & 1);
    crc = (uint16_t)(crc << 1);
    if (bit) crc ^= 0x1021;
  }
  return crc;
}

// ---- linked list ---------------------------------------------------------------------------
typedef struct Node {
  struct Node* next;
  int32_t key;
  int32_t value;
} Node;

#define LIST_SIZE 200
static Node nodes[LIST_SIZE];

static Node* list_build(uint64_t* seed) {
  for (int i = 0; i < LIST_SIZE; ++i) {
    nodes[i].key = (int32_t)(bench_rand(seed) % 1000);
    nodes[i].value = i;
    nodes[i].next = i + 1 < LIST_SIZE ? &nodes[i + 1] : 0;
  }
  return &nodes[0];
}

static Node* list_reverse(Node* head) {
  Node* prev = 0;
  while (head) {
    Node* next = head->next;
    head->next = prev;
    prev = head;
    head = next;
  }
  return prev;
}

static Node* list_find(Node* head, int32_t key) {
  while (head && head->key != key) head = head->next;
  return head;
}

static Node* list_merge_sort(Node* head) {
  // Bottom-up merge sort, as CoreMark's list benchmark does.
  int insize = 1;
  for (;;) {
    Node* p = head;
    Node* tail = 0;
    head = 0;
    int merges = 0;
    while (p) {
      ++merges;
      Node* q = p;
      int psize = 0;
      for (int i = 0; i < insize && q; ++i) {
        ++psize;
        q = q->next;
      }
      int qsize = insize;
      while (psize > 0 || (qsize > 0 && q)) {
        Node* e;
        if (psize == 0) {
          e = q; q = q->next; --qsize;
        } else if (qsize == 0 || !q || p->key <= q->key) {
          e = p; p = p->next; --psize;
        } else {
          e = q; q = q->next; --qsize;
        }
        if (tail) tail->next = e; else head = e;
        tail = e;
      }
      p = q;
    }
    tail->next = 0;
    if (merges <= 1) return head;
    insize *= 2;
  }
}

static uint16_t bench_list(uint64_t* seed, uint16_t crc) {
  Node* head = list_build(seed);
  head = list_reverse(head);
  for (int32_t k = 0; k < 1000; k += 37) {
    Node* found = list_find(head, k);
    crc = crc16(crc, found ? (uint32_t)found->value : 0xFFFFu);
  }
  head = list_merge_sort(head);
  int32_t last = -1;
  for (Node* n = head; n; n = n->next) {
    if (n->key < last) return 0;  // not sorted: the result is wrong
    last = n->key;
    crc = crc16(crc, (uint32_t)n->key);
  }
  return crc;
}

// ---- matrix --------------------------------------------------------------------------------
#define MAT 24
static int32_t ma[MAT][MAT], mb[MAT][MAT], mc[MAT][MAT];

static uint16_t bench_matrix(uint64_t* seed, uint16_t crc) {
  for (int i = 0; i < MAT; ++i)
    for (int j = 0; j < MAT; ++j) {
      ma[i][j] = (int32_t)(bench_rand(seed) % 100) - 50;
      mb[i][j] = (int32_t)(bench_rand(seed) % 100) - 50;
    }
  for (int i = 0; i < MAT; ++i)
    for (int j = 0; j < MAT; ++j) {
      int32_t s = 0;
      for (int k = 0; k < MAT; ++k) s += ma[i][k] * mb[k][j];
      mc[i][j] = s;
    }
  int32_t acc = 0;
  for (int i = 0; i < MAT; ++i)
    for (int j = 0; j < MAT; ++j) acc += (mc[i][j] > 0 ? mc[i][j] : -mc[i][j]) >> 2;
  return crc16(crc, (uint32_t)acc);
}

// ---- state machine -------------------------------------------------------------------------
enum { START, INT, FLOAT, EXP, SCI, INVALID, NSTATES };

static int classify(const char* s, int n) {
  int state = START;
  for (int i = 0; i < n; ++i) {
    char c = s[i];
    switch (state) {
      case START: state = (c >= '0' && c <= '9') || c == '-' ? INT : INVALID; break;
      case INT: state = c == '.' ? FLOAT : (c >= '0' && c <= '9') ? INT : INVALID; break;
      case FLOAT: state = (c == 'e' || c == 'E') ? EXP : (c >= '0' && c <= '9') ? FLOAT : INVALID; break;
      case EXP: state = (c >= '0' && c <= '9') || c == '-' ? SCI : INVALID; break;
      case SCI: state = (c >= '0' && c <= '9') ? SCI : INVALID; break;
      default: return INVALID;
    }
  }
  return state;
}

static uint16_t bench_state(uint64_t* seed, uint16_t crc) {
  static const char* const tokens[] = {"123", "-4.5", "6.02e23", "1e", "abc", "7.", "-0.1E-3", "--"};
  int counts[NSTATES] = {0};
  for (int i = 0; i < 64; ++i) {
    const char* t = tokens[bench_rand(seed) % 8];
    int n = 0;
    while (t[n]) ++n;
    ++counts[classify(t, n)];
  }
  for (int s = 0; s < NSTATES; ++s) crc = crc16(crc, (uint32_t)counts[s]);
  return crc;
}

BENCH_EXPORT int64_t run(void) {
  uint64_t seed = 0x66;
  uint16_t crc = 0;
  for (int iter = 0; iter < BENCH_N; ++iter) {
    crc = bench_list(&seed, crc);
    if (crc == 0) return -1;
    crc = bench_matrix(&seed, crc);
    crc = bench_state(&seed, crc);
  }
  return crc;
}
