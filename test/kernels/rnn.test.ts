// The Elman RNN kernels (rnn_forward, rnn_backward; tanh and relu) against src/reference/rnn.ts.
import { recurrentFamilySuite } from '../checks/recurrent-suite.js';

recurrentFamilySuite('rnn');
