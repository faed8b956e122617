// Ink reads CI once when it is loaded and then draws only the last frame; the console tests need
// what a terminal gets. Runs before each test file's imports.
import '../../source/ui/interactive-env.js';
