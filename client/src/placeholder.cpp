// Removed once the protocol sources land.
namespace tongket::sync {}
