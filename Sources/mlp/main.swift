import Trainers

MLPTrainer.main()
