import Trainers

Netbp.main()
