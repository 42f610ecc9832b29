/** A library user's own module: it names recur's module and nothing of recur's dependencies. */
module consumer {
  requires dev.recur;
}
