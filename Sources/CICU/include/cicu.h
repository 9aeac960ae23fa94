// cicu.h — the small slice of ICU that s2s uses, behind a plain-C interface.
//
// Only <stdint.h> types cross this boundary. ICU's own headers rename every
// function with a version suffix through macros (ubrk_open -> ubrk_open_72)
// that Swift cannot import, and Foundation ships a private ICU whose types
// clash with the system's; so the ICU headers are included only by cicu.c.
//
// Text is UTF-16 (ICU's native form). Offsets and lengths count UTF-16 units.
// Error codes are ICU's UErrorCode values (0 = success, > 0 = failure).
#ifndef CICU_H
#define CICU_H

#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/// Unicode normalisation forms offered to users.
enum cicu_form { CICU_NFC = 0, CICU_NFKC = 1 };

/// Normalises `src[0..<length]` into `dst` (capacity `capacity` units).
/// Returns the full output length; when it exceeds `capacity`, nothing useful
/// was written and the caller retries with a larger buffer.
/// `*error` receives the ICU error code (U_BUFFER_OVERFLOW_ERROR = 15 is the
/// "retry larger" case and is reported only through the return value).
int32_t cicu_normalize(int32_t form, const uint16_t *src, int32_t length,
                       uint16_t *dst, int32_t capacity, int32_t *error);

/// A word-boundary iterator (ICU UBRK_WORD, root locale). Not thread-safe:
/// use one per thread.
typedef struct cicu_breaker cicu_breaker;

cicu_breaker *cicu_word_breaker_open(int32_t *error);

/// A sentence-boundary iterator (ICU UBRK_SENTENCE, root locale): used to
/// cut an over-long input line into sentences. The same boundaries call
/// serves both kinds.
cicu_breaker *cicu_sentence_breaker_open(int32_t *error);
void cicu_breaker_close(cicu_breaker *breaker);

/// Writes every word boundary of `text` (0 and `length` included, ascending)
/// into `boundaries` and returns how many there are. When the count exceeds
/// `capacity`, only the first `capacity` are written; the caller retries with
/// a larger buffer. The text is not copied and need only live for the call.
int32_t cicu_breaker_boundaries(cicu_breaker *breaker, const uint16_t *text,
                                int32_t length, int32_t *boundaries,
                                int32_t capacity, int32_t *error);

/// ICU's name for an error code, e.g. "U_ILLEGAL_ARGUMENT_ERROR".
const char *cicu_error_name(int32_t error);

#ifdef __cplusplus
}
#endif

#endif
