// Open MPI's C API for Swift. MPI's handles (MPI_COMM_WORLD, MPI_FLOAT, MPI_SUM, …) are macros
// that take the address of a library object, which Swift cannot import; these functions return them.
#include <mpi.h>

static inline MPI_Comm cmpi_comm_world(void) { return MPI_COMM_WORLD; }
static inline MPI_Datatype cmpi_float(void) { return MPI_FLOAT; }
static inline MPI_Datatype cmpi_double(void) { return MPI_DOUBLE; }
static inline MPI_Op cmpi_sum(void) { return MPI_SUM; }
static inline MPI_Errhandler cmpi_errors_return(void) { return MPI_ERRORS_RETURN; }
static inline MPI_Request cmpi_request_null(void) { return MPI_REQUEST_NULL; }
static inline MPI_Status *cmpi_status_ignore(void) { return MPI_STATUS_IGNORE; }
static inline void *cmpi_in_place(void) { return MPI_IN_PLACE; }
static inline int cmpi_success(void) { return MPI_SUCCESS; }
static inline int cmpi_thread_funneled(void) { return MPI_THREAD_FUNNELED; }
static inline int cmpi_max_error_string(void) { return MPI_MAX_ERROR_STRING; }
static inline int cmpi_max_processor_name(void) { return MPI_MAX_PROCESSOR_NAME; }
